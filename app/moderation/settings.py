"""Each network's moderation settings: flags that hide a post, posts of new members held."""

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.errors import Invalid
from app.i18n import _
from app.moderation import log
from app.moderation.content_models import DEFAULT_FLAGS_TO_HIDE, ModerationSetting
from app.networks.models import Network

MAX_SETTING = 100


def get_settings(session: Session, network: Network) -> ModerationSetting:
    """The network's settings; the defaults (not added to the session) when none were saved."""
    saved = session.get(ModerationSetting, network.id)
    if saved is not None:
        return saved
    return ModerationSetting(
        network_id=network.id, flags_to_hide=DEFAULT_FLAGS_TO_HIDE, new_member_hold=0
    )


def update_settings(
    session: Session, *, actor: User, network: Network, flags_to_hide: int, new_member_hold: int
) -> ModerationSetting:
    """Save the settings and log the change. Assumes the policy allowed MODERATE.
    Raises Invalid for a number out of 0..100."""
    for field, value in (("flags_to_hide", flags_to_hide), ("new_member_hold", new_member_hold)):
        if not 0 <= value <= MAX_SETTING:
            raise Invalid(_("Choose a number from 0 to %(n)s.", n=MAX_SETTING), field=field)
    setting = session.get(ModerationSetting, network.id)
    if setting is None:
        setting = ModerationSetting(network_id=network.id)
        session.add(setting)
    setting.flags_to_hide = flags_to_hide
    setting.new_member_hold = new_member_hold
    log.record(
        session,
        network=network,
        actor=actor,
        action="settings.update",
        target_kind="network",
        target_id=network.id,
        target_label=network.name,
        details={"flags_to_hide": flags_to_hide, "new_member_hold": new_member_hold},
    )
    return setting
