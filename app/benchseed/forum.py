"""Categories, tags, topics, posts, revisions, likes and read state for the benchmark dataset.

Every denormalised counter the forum keeps (a topic's posts, participants, likes and
last activity; a post's likes and replies; a category's topics, posts and last
activity; a tag's topics) is counted here while the rows are built, so the rows are
what posting one by one through `app/forum/posting.py` would have left, with no
UPDATE per post. Topics go in by batches: one executemany per table and batch.
"""

import html
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

from sqlalchemy import bindparam, case, insert, literal, null, select, update

from app.benchseed.bulk import BulkWriter
from app.benchseed.people import NetworkPlan, weighted_choice
from app.benchtext import TextGenerator
from app.forum.models import (
    Category,
    NotificationLevel,
    PinScope,
    Post,
    PostLike,
    PostRevision,
    ReadAccess,
    Tag,
    Topic,
    TopicAccess,
    TopicTag,
    TopicUser,
)
from app.forum.text import slugify

# slug, name, description, who reads, who starts topics, share of the topics
CATEGORIES = [
    (
        "questions",
        "Questions",
        "Posez vos questions au réseau.",
        ReadAccess.EVERYONE,
        TopicAccess.MEMBERS,
        0.34,
    ),
    (
        "retours-experience",
        "Retours d'expérience",
        "Ce qui a marché, ce qui n'a pas marché.",
        ReadAccess.EVERYONE,
        TopicAccess.MEMBERS,
        0.2,
    ),
    (
        "veille-reglementaire",
        "Veille réglementaire",
        "NIS 2, RGPD, référentiels.",
        ReadAccess.EVERYONE,
        TopicAccess.MEMBERS,
        0.15,
    ),
    (
        "gestion-de-crise",
        "Gestion de crise",
        "Incidents, exercices, continuité.",
        ReadAccess.MEMBERS,
        TopicAccess.MEMBERS,
        0.13,
    ),
    (
        "outils",
        "Outils et solutions",
        "Logiciels, prestataires, retours d'usage.",
        ReadAccess.EVERYONE,
        TopicAccess.MEMBERS,
        0.1,
    ),
    (
        "annonces",
        "Annonces",
        "Les nouvelles du réseau.",
        ReadAccess.EVERYONE,
        TopicAccess.STAFF,
        0.04,
    ),
    (
        "animation",
        "Équipe d'animation",
        "L'espace des pilotes et animateurs.",
        ReadAccess.STAFF,
        TopicAccess.STAFF,
        0.04,
    ),
]
TAGS = [
    "rgpd",
    "nis-2",
    "iso-27001",
    "ebios-rm",
    "crise",
    "sensibilisation",
    "cloud",
    "messagerie",
    "sauvegarde",
    "authentification",
    "audit",
    "prestataires",
    "teletravail",
    "sante",
]
COLOURS = ["#1d4f6e", "#7a3b69", "#2f6b3a", "#8a4b12", "#4b4f9e", "#a12f2f", "#555555"]

BATCH_TOPICS = 400
REPLY_GAP_SECONDS = 5 * 3600
# Posts get 0, 1, 2, 3 or 6 likes with these frequencies.
LIKE_COUNTS = [0, 1, 2, 3, 6]
LIKE_CUM_WEIGHTS = list(accumulate([70, 18, 7, 3, 2]))
REPLY_TO_SHARE = 0.4
EDITED_SHARE = 0.02
ANSWERED_SHARE = 0.3
CLOSED_SHARE = 0.02
PINNED_SHARE = 0.1


@dataclass
class CategoryPlan:
    id: int
    staff_only: bool
    topic_count: int = 0
    post_count: int = 0
    last_posted_at: datetime | None = None


@dataclass
class ForumCounts:
    topics: int = 0
    posts: int = 0
    likes: int = 0
    post_revisions: int = 0


def paragraphs_html(body: str) -> str:
    """What `app.markup.render_post` makes of plain paragraphs (the generator's only output),
    without parsing Markdown; a test checks both agree."""
    return "".join(
        f"<p>{html.escape(paragraph, quote=False)}</p>\n" for paragraph in body.split("\n\n")
    )


def thread_lengths(rng: random.Random, topics: int, mean: int) -> list[int]:
    """Posts per topic: many short threads and a few long ones, adding up to topics * mean."""
    raw = [rng.lognormvariate(0, 0.7) for _ in range(topics)]
    scale = topics * mean / sum(raw)
    lengths = [max(1, round(value * scale)) for value in raw]
    gap = topics * mean - sum(lengths)
    while gap:
        index = rng.randrange(topics)
        if gap > 0:
            lengths[index] += 1
            gap -= 1
        elif lengths[index] > 1:
            lengths[index] -= 1
            gap += 1
    return lengths


def _insert_categories(
    bulk: BulkWriter, plans: list[NetworkPlan], start: datetime
) -> dict[int, list]:
    rows, by_network = [], {}
    for plan in plans:
        ids = bulk.new_ids(Category.__table__, len(CATEGORIES))
        by_network[plan.id] = []
        for position, (category_id, spec) in enumerate(zip(ids, CATEGORIES, strict=True)):
            slug, name, description, read_access, topic_access, share = spec
            rows.append(
                {
                    "id": category_id,
                    "network_id": plan.id,
                    "parent_id": None,
                    "name": name,
                    "slug": slug,
                    "description": description,
                    "colour": COLOURS[position % len(COLOURS)],
                    "position": position,
                    "read_access": read_access,
                    "topic_access": topic_access,
                    "topic_count": 0,
                    "post_count": 0,
                    "last_posted_at": None,
                    "created_at": start,
                }
            )
            by_network[plan.id].append(
                (CategoryPlan(category_id, topic_access == TopicAccess.STAFF), share)
            )
    bulk.insert(Category.__table__, rows)
    return by_network


def _insert_tags(bulk: BulkWriter, plans: list[NetworkPlan]) -> dict[int, list[int]]:
    rows, by_network = [], {}
    for plan in plans:
        ids = list(bulk.new_ids(Tag.__table__, len(TAGS)))
        by_network[plan.id] = ids
        rows += [
            {"id": tag_id, "network_id": plan.id, "name": name, "topic_count": 0}
            for tag_id, name in zip(ids, TAGS, strict=True)
        ]
    bulk.insert(Tag.__table__, rows)
    return by_network


def _copy_first_revisions(bulk: BulkWriter, first_post_id: int, last_post_id: int) -> int:
    """Revision 1 of every unedited post in the id range, copied inside the database: the
    same text as the post, so sending it twice from Python would only cost time."""
    post, topic = Post.__table__, Topic.__table__
    copied = (
        select(
            post.c.network_id,
            post.c.id,
            literal(1),
            case((post.c.post_number == 1, topic.c.title), else_=null()),
            post.c.body,
            post.c.body_html,
            literal(""),
            post.c.user_id,
            post.c.created_at,
        )
        .join_from(post, topic, topic.c.id == post.c.topic_id)
        .where(post.c.id.between(first_post_id, last_post_id), post.c.revision_count == 1)
    )
    columns = ["network_id", "post_id", "number", "title", "body", "body_html", "comment"]
    result = bulk.connection.execute(
        insert(PostRevision.__table__).from_select([*columns, "user_id", "created_at"], copied)
    )
    return result.rowcount


def _revision(
    post: dict, number: int, title: str | None, created_at: datetime, comment: str
) -> dict:
    return {
        "network_id": post["network_id"],
        "post_id": post["id"],
        "number": number,
        "title": title,
        "body": post["body"],
        "body_html": post["body_html"],
        "comment": comment,
        "user_id": post["user_id"],
        "created_at": created_at,
    }


class _Batch:
    """The rows of a batch of topics, one list per table."""

    def __init__(self) -> None:
        self.topics, self.topic_tags, self.likes, self.topic_users = [], [], [], []
        # Edited posts go apart: only they carry `edited_at`, the others leave it NULL.
        self.posts, self.edited_posts, self.edited_revisions = [], [], []

    def write(self, bulk: BulkWriter) -> int:
        """Insert the batch; returns the post revisions stored."""
        bulk.insert(Topic.__table__, self.topics)
        bulk.insert(TopicTag.__table__, self.topic_tags)
        bulk.insert(Post.__table__, self.posts)
        bulk.insert(Post.__table__, self.edited_posts)
        post_ids = [post["id"] for post in (*self.posts[:1], *self.posts[-1:], *self.edited_posts)]
        copied = _copy_first_revisions(bulk, min(post_ids), max(post_ids))
        bulk.insert(PostRevision.__table__, self.edited_revisions)
        bulk.insert(PostLike.__table__, self.likes)
        bulk.insert(TopicUser.__table__, self.topic_users)
        return copied + len(self.edited_revisions)


class ForumSeeder:
    def __init__(
        self, bulk: BulkWriter, rng: random.Random, text: TextGenerator, plans: list[NetworkPlan]
    ) -> None:
        self.bulk, self.rng, self.text, self.plans = bulk, rng, text, plans
        self.network_cum_weights = list(accumulate(len(plan.member_ids) for plan in plans))
        self.tag_counts: dict[int, int] = {}
        self.counts = ForumCounts()

    def seed(
        self,
        *,
        topics: int,
        posts_per_topic: int,
        start: datetime,
        end: datetime,
        progress: Callable[[int], None],
    ) -> ForumCounts:
        self.categories = _insert_categories(self.bulk, self.plans, start)
        self.tags = _insert_tags(self.bulk, self.plans)
        self.category_choices = {
            network_id: ([c for c, _ in pairs], list(accumulate(share for _, share in pairs)))
            for network_id, pairs in self.categories.items()
        }
        lengths = thread_lengths(self.rng, topics, posts_per_topic)
        span = (end - start).total_seconds()
        # Sorted, so topic ids grow with their creation time as they would on a live forum.
        created = sorted(self.rng.uniform(0, span * 0.97) for _ in range(topics))
        for first in range(0, topics, BATCH_TOPICS):
            batch = _Batch()
            chunk = lengths[first : first + BATCH_TOPICS]
            topic_ids = self.bulk.new_ids(Topic.__table__, len(chunk))
            for topic_id, length, offset in zip(topic_ids, chunk, created[first:], strict=False):
                self._topic(batch, topic_id, length, start + timedelta(seconds=offset))
            self.counts.post_revisions += batch.write(self.bulk)
            self.bulk.commit()
            progress(self.counts.posts)
        self._write_counters()
        return self.counts

    def _topic(self, batch: _Batch, topic_id: int, length: int, created_at: datetime) -> None:
        rng, text = self.rng, self.text
        plan = weighted_choice(rng, self.plans, self.network_cum_weights)
        choices, cum_weights = self.category_choices[plan.id]
        category = weighted_choice(rng, choices, cum_weights)
        author = (
            rng.choice(plan.staff_ids)
            if category.staff_only and plan.staff_ids
            else plan.pick_member(rng)
        )
        title = text.title()
        post_ids = self.bulk.new_ids(Post.__table__, length)
        last_number_of: dict[int, int] = {}
        last_time_of: dict[int, datetime] = {}
        posters: list[int] = []  # the keys of last_number_of, to draw from
        reply_counts = [0] * (length + 1)
        posts = []
        like_total = 0
        posted_at = created_at
        for number, post_id in enumerate(post_ids, start=1):
            if number == 1:
                user_id = author
            else:
                posted_at += timedelta(seconds=rng.expovariate(1 / REPLY_GAP_SECONDS))
                user_id = (
                    posters[int(rng.random() * len(posters))]
                    if rng.random() < 0.45
                    else plan.pick_member(rng)
                )
            reply_to = None
            if number > 1 and rng.random() < REPLY_TO_SHARE:
                reply_to = rng.randint(max(1, number - 6), number - 1)
                reply_counts[reply_to] += 1
            body = text.body()
            body_html = paragraphs_html(body)
            edited = rng.random() < EDITED_SHARE
            like_count = weighted_choice(rng, LIKE_COUNTS, LIKE_CUM_WEIGHTS)
            if like_count:
                likers = [
                    uid
                    for uid in rng.sample(
                        plan.member_ids, min(like_count + 1, len(plan.member_ids))
                    )
                    if uid != user_id
                ][:like_count]
                like_count = len(likers)
                like_total += like_count
                batch.likes += [
                    {
                        "post_id": post_id,
                        "user_id": uid,
                        "network_id": plan.id,
                        "created_at": posted_at + timedelta(hours=2),
                    }
                    for uid in likers
                ]
            post = {
                "id": post_id,
                "network_id": plan.id,
                "topic_id": topic_id,
                "post_number": number,
                "reply_to_post_number": reply_to,
                "user_id": user_id,
                "body": body,
                "body_html": body_html,
                "like_count": like_count,
                "reply_count": 0,
                "revision_count": 1,
                "created_at": posted_at,
            }
            if edited:
                self._edit(batch, post, title if number == 1 else None)
            posts.append(post)
            if user_id not in last_number_of:
                posters.append(user_id)
            last_number_of[user_id] = number
            last_time_of[user_id] = posted_at
        for number, post in enumerate(posts, start=1):
            post["reply_count"] = reply_counts[number]
        for post in posts:
            (batch.edited_posts if "edited_at" in post else batch.posts).append(post)
        for user_id, number in last_number_of.items():
            batch.topic_users.append(
                {
                    "topic_id": topic_id,
                    "user_id": user_id,
                    "network_id": plan.id,
                    "last_read_post_number": number,
                    "notification_level": NotificationLevel.WATCHING
                    if user_id == author
                    else NotificationLevel.TRACKING,
                    "posted": True,
                    "is_private_participant": False,
                    "last_visited_at": last_time_of[user_id],
                }
            )
        for tag_id in set(rng.choices(self.tags[plan.id], k=rng.choice((0, 1, 1, 2, 3)))):
            batch.topic_tags.append({"topic_id": topic_id, "tag_id": tag_id, "network_id": plan.id})
            self.tag_counts[tag_id] = self.tag_counts.get(tag_id, 0) + 1
        pinned = category.staff_only and rng.random() < PINNED_SHARE
        batch.topics.append(
            {
                "id": topic_id,
                "network_id": plan.id,
                "category_id": category.id,
                "user_id": author,
                "title": title,
                "slug": slugify(title),
                "is_private": False,
                "pin_scope": PinScope.CATEGORY if pinned else PinScope.NONE,
                "is_announcement": False,
                "closed_at": posted_at + timedelta(days=1) if rng.random() < CLOSED_SHARE else None,
                "answer_post_number": rng.randint(2, length)
                if length >= 3 and rng.random() < ANSWERED_SHARE
                else None,
                "highest_post_number": length,
                "post_count": length,
                "participant_count": len(last_number_of),
                "like_count": like_total,
                "created_at": created_at,
                "last_posted_at": posted_at,
                "last_poster_id": posts[-1]["user_id"],
            }
        )
        category.topic_count += 1
        category.post_count += length
        category.last_posted_at = max(category.last_posted_at or posted_at, posted_at)
        counts = self.counts
        counts.topics += 1
        counts.posts += length
        counts.likes += like_total

    def _edit(self, batch: _Batch, post: dict, title: str | None) -> None:
        """Give `post` a second revision: its first text stays in revision 1."""
        edited_at = post["created_at"] + timedelta(hours=1)
        batch.edited_revisions.append(_revision(post, 1, title, post["created_at"], ""))
        post["body"] = f"{post['body']}\n\n{self.text.sentence()}"
        post["body_html"] = paragraphs_html(post["body"])
        post["revision_count"], post["edited_at"] = 2, edited_at
        batch.edited_revisions.append(_revision(post, 2, title, edited_at, "Précision"))

    def _write_counters(self) -> None:
        """One executemany UPDATE per table: categories and tags got their counters in Python."""
        connection = self.bulk.connection
        category_rows = [
            {
                "key": category.id,
                "topics": category.topic_count,
                "posts": category.post_count,
                "last": category.last_posted_at,
            }
            for categories in self.categories.values()
            for category, _share in categories
        ]
        connection.execute(
            update(Category)
            .where(Category.id == bindparam("key"))
            .values(
                topic_count=bindparam("topics"),
                post_count=bindparam("posts"),
                last_posted_at=bindparam("last"),
            ),
            category_rows,
        )
        if self.tag_counts:
            connection.execute(
                update(Tag)
                .where(Tag.id == bindparam("key"))
                .values(topic_count=bindparam("topics")),
                [{"key": tag_id, "topics": count} for tag_id, count in self.tag_counts.items()],
            )
        self.bulk.commit()
