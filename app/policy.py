"""Every permission rule: may this person do this action on this object.

Routes call `require`, templates call `can` to hide what a person cannot use, and
lists filter with the visibility helpers below, so every reader shares one rule.
A person who may not see an object gets `NotFound` (its existence stays hidden);
one who may see it but not act gets `Forbidden`; an anonymous visitor who would
need to sign in gets `NotAuthenticated`.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from app.accounts.models import User
from app.errors import Forbidden, NotAuthenticated, NotFound
from app.forum.models import Category, Post, ReadAccess, Topic, TopicAccess
from app.inbox.models import InboxRequest, RequestStatus
from app.networks.models import (
    STAFF_ROLES,
    STEERING_ROLES,
    ContentVisibility,
    MembershipMode,
    Network,
    Role,
)


@dataclass(frozen=True)
class Restriction:
    """A sanction in force on the person (loaded only while it lasts): until when, and why."""

    until: datetime
    reason: str


@dataclass(frozen=True)
class NetworkSeat:
    """What the policy needs to know of one membership."""

    role: Role
    charter_accepted_number: int | None
    silenced: Restriction | None = None


@dataclass(frozen=True)
class Principal:
    """The person acting, with their seats loaded once per request."""

    user: User | None = None
    seats: dict[int, NetworkSeat] = field(default_factory=dict)
    # Networks that suspended this person: their seat is left out of `seats` meanwhile.
    suspended_from: dict[int, Restriction] = field(default_factory=dict)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_site_admin(self) -> bool:
        return self.user is not None and self.user.is_site_admin

    def role_in(self, network: Network) -> Role | None:
        seat = self.seats.get(network.id)
        return seat.role if seat else None


ANONYMOUS = Principal()


class Action(enum.StrEnum):
    NETWORK_CREATE = "network:create"
    NETWORK_VIEW = "network:view"
    NETWORK_READ = "network:read"
    NETWORK_EDIT = "network:edit"
    NETWORK_LINK = "network:link"
    NETWORK_JOIN = "network:join"
    NETWORK_REQUEST_JOIN = "network:request_join"
    NETWORK_LEAVE = "network:leave"
    NETWORK_INVITE = "network:invite"
    NETWORK_POST = "network:post"
    NOTIFICATION_VIEW = "notification:view"
    API_KEY_REVOKE = "api_key:revoke"
    JOIN_REQUEST_REVIEW = "join_request:review"
    ROLE_ASSIGN = "role:assign"
    ROLE_ASSIGN_PILOT = "role:assign_pilot"
    CHARTER_EDIT = "charter:edit"
    CHARTER_ACCEPT = "charter:accept"
    DIRECTORY_VIEW = "directory:view"
    PROFILE_VIEW = "profile:view"
    PROFILE_EDIT = "profile:edit"
    CATEGORY_READ = "category:read"
    CATEGORY_MANAGE = "category:manage"
    CATEGORY_FOLLOW = "category:follow"
    TOPIC_CREATE = "topic:create"
    TOPIC_READ = "topic:read"
    TOPIC_REPLY = "topic:reply"
    TOPIC_FOLLOW = "topic:follow"
    TOPIC_ANSWER = "topic:answer"
    TOPIC_PIN = "topic:pin"
    TOPIC_ANNOUNCE = "topic:announce"
    POST_READ = "post:read"
    POST_SEE_HIDDEN = "post:see_hidden"
    POST_EDIT = "post:edit"
    POST_LIKE = "post:like"
    MESSAGE_SEND = "message:send"
    CONTENT_READ = "content:read"
    FOLDER_CREATE = "folder:create"
    FOLDER_RENAME = "folder:rename"
    FILE_UPLOAD = "file:upload"
    FILE_DOWNLOAD = "file:download"
    DOCUMENT_CREATE = "document:create"
    DOCUMENT_VIEW = "document:view"
    DOCUMENT_EDIT = "document:edit"
    MODERATE = "network:moderate"
    MODERATION_LOG_VIEW = "moderation_log:view"
    # Content moderation (issue 5): members flag, staff act with MODERATE.
    POST_FLAG = "post:flag"
    # Members: sanctions, staff notes, the request inbox (issue 5).
    MEMBER_SANCTION = "member:sanction"
    MEMBER_NOTE = "member:note"
    ACCOUNT_SUSPEND = "account:suspend"
    INBOX_MANAGE = "inbox:manage"
    REQUEST_SEND = "request:send"
    REQUEST_READ = "request:read"
    REQUEST_REPLY = "request:reply"


# --- rules: one condition per line ------------------------------------------------


def _is_member(p: Principal, network: Network) -> bool:
    return network.id in p.seats


def _has_role(p: Principal, network: Network, roles: frozenset[Role]) -> bool:
    return p.role_in(network) in roles


def _network_create(p: Principal, _obj) -> bool:
    return p.is_site_admin


def _network_view(_p: Principal, _network: Network) -> bool:
    # The network's page (purpose, charter, pilots) is its shop window: visible to all.
    return True


def _network_read(p: Principal, network: Network) -> bool:
    if network.content_visibility == ContentVisibility.PUBLIC:
        return True
    if p.is_site_admin:
        return True
    return _is_member(p, network)


def _network_steer(p: Principal, network: Network) -> bool:
    if p.is_site_admin:
        return True
    return _has_role(p, network, STEERING_ROLES)


def _network_staff(p: Principal, network: Network) -> bool:
    if p.is_site_admin:
        return True
    return _has_role(p, network, STAFF_ROLES)


def _network_join(p: Principal, network: Network) -> bool:
    if not p.is_authenticated:
        return False
    if network.id in p.suspended_from:
        return False
    if _is_member(p, network):
        return False
    return network.membership_mode == MembershipMode.OPEN


def _network_request_join(p: Principal, network: Network) -> bool:
    if not p.is_authenticated:
        return False
    if network.id in p.suspended_from:
        return False
    if _is_member(p, network):
        return False
    return network.membership_mode == MembershipMode.REQUEST


def _network_member(p: Principal, network: Network) -> bool:
    return _is_member(p, network)


def _network_post(p: Principal, network: Network) -> bool:
    seat = p.seats.get(network.id)
    if seat is None:
        return False
    if seat.silenced is not None:
        return False
    if network.charter_number == 0:
        return True
    return seat.charter_accepted_number == network.charter_number


def _charter_accept(p: Principal, network: Network) -> bool:
    seat = p.seats.get(network.id)
    if seat is None:
        return False
    return network.charter_number > 0


def _role_assign_pilot(p: Principal, network: Network) -> bool:
    if p.is_site_admin:
        return True
    return p.role_in(network) == Role.PILOT


def _directory_view(p: Principal, network: Network) -> bool:
    # A directory lists people: members only, whatever the content visibility.
    if p.is_site_admin:
        return True
    return _is_member(p, network)


def _is_owner(p: Principal, obj) -> bool:
    # Notifications and API keys belong to one person: anyone else may not even see them.
    if p.user is None:
        return False
    return obj.user_id == p.user.id


def _profile_view(p: Principal, _user: User) -> bool:
    # Profiles exist to find who knows what across networks: any signed-in person.
    return p.is_authenticated


def _profile_edit(p: Principal, user: User) -> bool:
    if p.user is None:
        return False
    return p.user.id == user.id


# --- forum -------------------------------------------------------------------------


def category_read_access(p: Principal, network: Network) -> frozenset[ReadAccess]:
    """The category read levels this person passes in `network` (none when it is unreadable).

    Lists filter categories with it, so a list and a category page share one rule.
    """
    if not _network_read(p, network):
        return frozenset()
    if _network_staff(p, network):
        return frozenset(ReadAccess)
    if _is_member(p, network):
        return frozenset({ReadAccess.EVERYONE, ReadAccess.MEMBERS})
    return frozenset({ReadAccess.EVERYONE})


def _category_read(p: Principal, category: Category) -> bool:
    return category.read_access in category_read_access(p, category.network)


def _category_follow(p: Principal, category: Category) -> bool:
    if not p.is_authenticated:
        return False
    return _category_read(p, category)


def _topic_create(p: Principal, category: Category) -> bool:
    if not _category_read(p, category):
        return False
    if not _network_post(p, category.network):
        return False
    if category.topic_access == TopicAccess.STAFF:
        return _network_staff(p, category.network)
    return True


def _private_participant(p: Principal, topic: Topic) -> bool:
    if p.user is None:
        return False
    return any(row.user_id == p.user.id for row in topic.private_members)


def _topic_read(p: Principal, topic: Topic) -> bool:
    # A private conversation is for its participants only: staff and admins included out.
    if topic.is_private:
        return _private_participant(p, topic)
    if not _category_read(p, topic.category):
        return False
    if topic.hidden_at is None:
        return True
    # Its first post is hidden, deleted or waiting for approval: staff and its author only.
    if _network_staff(p, topic.network):
        return True
    return p.user is not None and topic.user_id == p.user.id


def _topic_reply(p: Principal, topic: Topic) -> bool:
    if not _topic_read(p, topic):
        return False
    return _network_post(p, topic.network)


def _topic_follow(p: Principal, topic: Topic) -> bool:
    if not p.is_authenticated:
        return False
    return _topic_read(p, topic)


def _topic_answer(p: Principal, topic: Topic) -> bool:
    if topic.is_private:
        return False
    if not _topic_reply(p, topic):
        return False
    if _network_staff(p, topic.network):
        return True
    return topic.user_id == p.user.id


def _topic_pin(p: Principal, topic: Topic) -> bool:
    if topic.is_private:
        return False
    if not _topic_read(p, topic):
        return False
    return _network_staff(p, topic.network)


def _post_see_hidden(p: Principal, network: Network) -> bool:
    return _network_staff(p, network)


def _post_read(p: Principal, post: Post) -> bool:
    if not _topic_read(p, post.topic):
        return False
    if post.is_visible:
        return True
    if _network_staff(p, post.topic.network):
        return True
    # A post waiting for approval is shown to its author, marked as such.
    if not post.held:
        return False
    return p.user is not None and post.user_id == p.user.id


def _post_edit(p: Principal, post: Post) -> bool:
    if not _post_read(p, post):
        return False
    if not _network_post(p, post.topic.network):
        return False
    return post.user_id == p.user.id


def _post_like(p: Principal, post: Post) -> bool:
    if not _post_read(p, post):
        return False
    return _network_post(p, post.topic.network)


def _post_flag(p: Principal, post: Post) -> bool:
    if not _post_read(p, post):
        return False
    if not _is_member(p, post.topic.network):
        return False
    if post.topic.is_private:
        return False  # staff cannot read private conversations, so nobody could review
    return post.user_id != p.user.id


# --- documents ---------------------------------------------------------------------


def _content_read(p: Principal, item) -> bool:
    # Anything that belongs to a network (folder, file, document) is read like the network.
    return _network_read(p, item.network)


def _content_post(p: Principal, item) -> bool:
    return _network_post(p, item.network)


def _folder_rename(p: Principal, folder) -> bool:
    if _network_staff(p, folder.network):
        return True
    if p.user is None:
        return False
    if folder.created_by_id != p.user.id:
        return False
    return _network_post(p, folder.network)


# --- members: sanctions, notes and the request inbox -----------------------------------


def _site_admin(p: Principal, _obj) -> bool:
    return p.is_site_admin


def _request_send(p: Principal, _network: Network) -> bool:
    # Members and visitors alike, suspended ones too: the inbox is where they can appeal.
    return p.is_authenticated


def _request_read(p: Principal, request: InboxRequest) -> bool:
    if p.user is not None and request.sender_id == p.user.id:
        return True
    return _network_staff(p, request.network)


def _request_reply(p: Principal, request: InboxRequest) -> bool:
    if _network_staff(p, request.network):
        return True
    if not _request_read(p, request):
        return False
    return request.status == RequestStatus.OPEN


@dataclass(frozen=True)
class Rule:
    allows: Callable[[Principal, object], bool]
    # The action that decides whether the object is visible at all: failing it is NotFound.
    seen_by: "Action | None" = None


RULES: dict[Action, Rule] = {
    Action.NETWORK_CREATE: Rule(_network_create),
    Action.NETWORK_VIEW: Rule(_network_view),
    Action.NETWORK_READ: Rule(_network_read, seen_by=Action.NETWORK_VIEW),
    # The inner pages of a network (settings, inbox, directory, roles) are hidden like its
    # content: an outsider of a members-only network gets NotFound, not Forbidden.
    Action.NETWORK_EDIT: Rule(_network_steer, seen_by=Action.NETWORK_READ),
    Action.NETWORK_LINK: Rule(_network_steer, seen_by=Action.NETWORK_READ),
    Action.NETWORK_JOIN: Rule(_network_join, seen_by=Action.NETWORK_VIEW),
    Action.NETWORK_REQUEST_JOIN: Rule(_network_request_join, seen_by=Action.NETWORK_VIEW),
    Action.NETWORK_LEAVE: Rule(_network_member, seen_by=Action.NETWORK_VIEW),
    Action.NETWORK_INVITE: Rule(_network_staff, seen_by=Action.NETWORK_READ),
    Action.NETWORK_POST: Rule(_network_post, seen_by=Action.NETWORK_READ),
    Action.JOIN_REQUEST_REVIEW: Rule(_network_staff, seen_by=Action.NETWORK_READ),
    Action.ROLE_ASSIGN: Rule(_network_steer, seen_by=Action.NETWORK_READ),
    Action.ROLE_ASSIGN_PILOT: Rule(_role_assign_pilot, seen_by=Action.NETWORK_READ),
    Action.CHARTER_EDIT: Rule(_network_steer, seen_by=Action.NETWORK_READ),
    Action.NOTIFICATION_VIEW: Rule(_is_owner, seen_by=Action.NOTIFICATION_VIEW),
    Action.API_KEY_REVOKE: Rule(_is_owner, seen_by=Action.API_KEY_REVOKE),
    Action.CHARTER_ACCEPT: Rule(_charter_accept, seen_by=Action.NETWORK_VIEW),
    Action.DIRECTORY_VIEW: Rule(_directory_view, seen_by=Action.NETWORK_READ),
    Action.PROFILE_VIEW: Rule(_profile_view),
    Action.PROFILE_EDIT: Rule(_profile_edit, seen_by=Action.PROFILE_VIEW),
    Action.CATEGORY_READ: Rule(_category_read, seen_by=Action.CATEGORY_READ),
    Action.CATEGORY_MANAGE: Rule(_network_staff, seen_by=Action.NETWORK_READ),
    Action.CATEGORY_FOLLOW: Rule(_category_follow, seen_by=Action.CATEGORY_READ),
    Action.TOPIC_CREATE: Rule(_topic_create, seen_by=Action.CATEGORY_READ),
    Action.TOPIC_READ: Rule(_topic_read, seen_by=Action.TOPIC_READ),
    Action.TOPIC_REPLY: Rule(_topic_reply, seen_by=Action.TOPIC_READ),
    Action.TOPIC_FOLLOW: Rule(_topic_follow, seen_by=Action.TOPIC_READ),
    Action.TOPIC_ANSWER: Rule(_topic_answer, seen_by=Action.TOPIC_READ),
    Action.TOPIC_PIN: Rule(_topic_pin, seen_by=Action.TOPIC_READ),
    Action.TOPIC_ANNOUNCE: Rule(_network_staff, seen_by=Action.NETWORK_READ),
    Action.POST_READ: Rule(_post_read, seen_by=Action.POST_READ),
    Action.POST_SEE_HIDDEN: Rule(_post_see_hidden, seen_by=Action.NETWORK_READ),
    Action.POST_EDIT: Rule(_post_edit, seen_by=Action.POST_READ),
    Action.POST_LIKE: Rule(_post_like, seen_by=Action.POST_READ),
    Action.MESSAGE_SEND: Rule(_network_post, seen_by=Action.NETWORK_READ),
    Action.CONTENT_READ: Rule(_content_read, seen_by=Action.CONTENT_READ),
    Action.FOLDER_CREATE: Rule(_network_post, seen_by=Action.NETWORK_READ),
    Action.FOLDER_RENAME: Rule(_folder_rename, seen_by=Action.CONTENT_READ),
    Action.FILE_UPLOAD: Rule(_network_post, seen_by=Action.NETWORK_READ),
    # A file of a network one may not read stays hidden: failing is NotFound, not Forbidden.
    Action.FILE_DOWNLOAD: Rule(_content_read, seen_by=Action.CONTENT_READ),
    Action.DOCUMENT_CREATE: Rule(_network_post, seen_by=Action.NETWORK_READ),
    Action.DOCUMENT_VIEW: Rule(_content_read, seen_by=Action.CONTENT_READ),
    Action.DOCUMENT_EDIT: Rule(_content_post, seen_by=Action.CONTENT_READ),
    Action.MODERATE: Rule(_network_staff, seen_by=Action.NETWORK_READ),
    Action.MODERATION_LOG_VIEW: Rule(_network_staff, seen_by=Action.NETWORK_READ),
    Action.POST_FLAG: Rule(_post_flag, seen_by=Action.POST_READ),
    Action.MEMBER_SANCTION: Rule(_network_staff, seen_by=Action.NETWORK_READ),
    Action.MEMBER_NOTE: Rule(_network_staff, seen_by=Action.NETWORK_READ),
    Action.ACCOUNT_SUSPEND: Rule(_site_admin),
    Action.INBOX_MANAGE: Rule(_network_staff, seen_by=Action.NETWORK_READ),
    Action.REQUEST_SEND: Rule(_request_send, seen_by=Action.NETWORK_VIEW),
    # Another person's request is hidden: failing is NotFound, not Forbidden.
    Action.REQUEST_READ: Rule(_request_read, seen_by=Action.REQUEST_READ),
    Action.REQUEST_REPLY: Rule(_request_reply, seen_by=Action.REQUEST_READ),
}


# --- visibility of content in lists and search ---------------------------------------


class Audience(enum.StrEnum):
    """Who may read a piece of content, decided when it is written or indexed.

    Everything that depends on the reader (membership, role, the network's own
    visibility) is decided at read time by `read_scope`, so a member who leaves or a
    network that closes its content changes nothing stored.
    """

    PUBLIC = "public"  # anyone: a network's shop window (purpose, charter)
    READERS = "readers"  # whoever may read the network's content (network:read)
    MEMBERS = "members"  # members of the network, even when its content is public
    STAFF = "staff"  # the network's staff: restricted sections, hidden or deleted content
    PARTICIPANTS = "participants"  # the people named on the content: private messages


@dataclass(frozen=True)
class AudienceGrant:
    """Content of `audience` may be read in these networks (None: in every network)."""

    audience: Audience
    network_ids: frozenset[int] | None


@dataclass(frozen=True)
class ReadScope:
    """What a principal may read: content matching any grant, or naming them as participant."""

    grants: tuple[AudienceGrant, ...]
    participant_id: int | None


def read_scope(p: Principal, public_network_ids: frozenset[int]) -> ReadScope:
    """The content `p` may read, given the networks whose content is public.

    Site admins are staff everywhere (`_network_read`, `_network_staff`) but are not
    participants of other people's private messages.
    """
    participant_id = p.user.id if p.user is not None else None
    if p.is_site_admin:
        everywhere = tuple(
            AudienceGrant(audience, None)
            for audience in (Audience.PUBLIC, Audience.READERS, Audience.MEMBERS, Audience.STAFF)
        )
        return ReadScope(everywhere, participant_id)
    member_of = frozenset(p.seats)
    staff_of = frozenset(
        network_id for network_id, seat in p.seats.items() if seat.role in STAFF_ROLES
    )
    grants = (
        AudienceGrant(Audience.PUBLIC, None),
        AudienceGrant(Audience.READERS, public_network_ids | member_of),
        AudienceGrant(Audience.MEMBERS, member_of),
        AudienceGrant(Audience.STAFF, staff_of),
    )
    return ReadScope(grants, participant_id)


def can(principal: Principal, action: Action, obj: object = None) -> bool:
    return RULES[action].allows(principal, obj)


def require(principal: Principal, action: Action, obj: object = None) -> None:
    """Raise unless `principal` may do `action` on `obj`."""
    rule = RULES[action]
    if rule.allows(principal, obj):
        return
    if rule.seen_by is not None and not can(principal, rule.seen_by, obj):
        if not principal.is_authenticated:
            raise NotAuthenticated()
        raise NotFound()
    if not principal.is_authenticated:
        raise NotAuthenticated()
    raise Forbidden()
