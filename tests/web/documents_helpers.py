"""Shared steps of the document space web tests."""

from sqlalchemy import func, select

from app.documents.models import FileVersion, StoredFile
from app.networks.models import ContentVisibility, Role
from tests.factories import NetworkFactory, UserFactory


def member_setting(visibility=ContentVisibility.MEMBERS):
    network = NetworkFactory(content_visibility=visibility)
    lea = UserFactory(member_of=network, display_name="Léa Dubois")
    bruno = UserFactory(member_of=network, display_name="Bruno Lefèvre")
    karim = UserFactory(member_of=network, member_of__role=Role.ANIMATOR, display_name="Karim Benali")
    return network, lea, bruno, karim


def upload(client, network, filename: str, data: bytes, *, csrf: bool = True, headers=None, **fields):
    form = {key: str(value) for key, value in fields.items()}
    if csrf:
        form["csrf_token"] = client.csrf_token()
    return client.post(
        f"/n/{network.slug}/documents/upload",
        data=form,
        files={"file": (filename, data, "application/octet-stream")},
        headers=headers or {},
        follow_redirects=False,
    )


def files_on_disk(settings) -> list:
    root = settings.data_dir
    return [p for sub in ("files", "tmp") for p in (root / sub).rglob("*") if p.is_file()] if root.exists() else []


def count_rows(session) -> tuple[int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(StoredFile)),
        session.scalar(select(func.count()).select_from(FileVersion)),
    )
