"""The `maillage` command."""

import getpass
from pathlib import Path

import typer
from alembic import command
from alembic.config import Config
from rich.console import Console

from app.config import get_settings

cli = typer.Typer(
    help="Maillage: an asynchronous forum for professional networks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
console = Console()

ROOT = Path(__file__).resolve().parents[1]


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


@db_cli.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply the schema migrations (alembic upgrade)."""
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings.sqlalchemy_url), revision)
    console.print(f"[green]Database at {revision}[/green]")


@cli.command()
def run(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, help="Server processes."),
    reload: bool = typer.Option(False, help="Restart on code changes (development)."),
) -> None:
    """Serve the application with uvicorn."""
    import uvicorn

    uvicorn.run("app.main:app", host=host, port=port, workers=workers, reload=reload, proxy_headers=False)


@cli.command("create-admin")
def create_admin(
    username: str = typer.Option(..., prompt=True, help="Username of the site admin."),
    email: str = typer.Option(..., prompt=True, help="Email address."),
    display_name: str = typer.Option("", help="Display name (defaults to the username)."),
    password: str = typer.Option("", help="Password (asked for when omitted)."),
) -> None:
    """Create a site admin account, or make an existing account site admin."""
    from app.accounts import service as accounts_service
    from app.db import Database
    from app.errors import DomainError

    settings = get_settings()
    db = Database(settings.sqlalchemy_url)
    with db.session() as session:
        user = accounts_service.find_user_by_login(session, username)
        if user is not None:
            user.is_site_admin = True
            session.commit()
            console.print(f"[green]{user.username} is now a site admin.[/green]")
            return
        password = password or getpass.getpass("Password: ")
        try:
            user = accounts_service.create_user(
                session,
                username=username,
                display_name=display_name or username,
                email=email,
                password=password,
                is_site_admin=True,
            )
        except DomainError as error:
            console.print(f"[red]{error.message}[/red]")
            raise typer.Exit(1) from None
        session.commit()
        console.print(f"[green]Site admin {user.username} created.[/green]")


@cli.command("seed-demo")
def seed_demo(
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when the database already has accounts."),
) -> None:
    """Fill the database with a small French demo: two networks, their members and charter."""
    from app.db import Database
    from app.demo import DEMO_PASSWORD, database_is_empty, seed
    from app.search.indexer import drain_outbox
    from app.storage import storage_for

    settings = get_settings()
    db = Database(settings.sqlalchemy_url)
    with db.session() as session:
        if if_empty and not database_is_empty(session):
            console.print("The database already holds data: no demo added.")
            return
        seed(session, storage_for(settings))
        session.commit()
    # Searchable at once, even before a server (whose background task would do it) starts.
    while drain_outbox(db, settings):
        pass
    console.print(
        "[green]Demo network ready.[/green] Sign in as [bold]admin[/bold], [bold]claire[/bold] (pilot), "
        f"[bold]karim[/bold] (animator) or [bold]lea[/bold] (member), password [bold]{DEMO_PASSWORD}[/bold]."
    )


@cli.command("seed-bench")
def seed_bench(
    topics: int = typer.Option(5000, help="Topics to create."),
    posts_per_topic: int = typer.Option(20, help="Posts per topic on average (threads vary)."),
    members: int = typer.Option(1000, help="Member accounts."),
    seed: int = typer.Option(1, help="The same seed gives the same dataset."),
    report: Path | None = typer.Option(None, help="Also write the figures to this JSON file."),
) -> None:
    """Fill an empty database with a large French benchmark dataset, then index it for search."""
    import json

    from rich.progress import Progress

    from app.benchseed import BENCH_PASSWORD, BENCH_USERNAME, SeedError
    from app.benchseed import seed_bench as seed_dataset
    from app.db import Database

    settings = get_settings()
    db = Database(settings.sqlalchemy_url)
    with Progress(console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        try:
            figures = seed_dataset(
                db,
                settings,
                topics=topics,
                posts_per_topic=posts_per_topic,
                members=members,
                seed=seed,
                progress=progress,
            )
        except (SeedError, ValueError) as error:
            console.print(f"[red]{error}[/red]")
            raise typer.Exit(1) from None
    db.engine.dispose()
    console.print(
        f"[green]{figures.posts} posts in {figures.topics} topics[/green] at "
        f"{figures.posts_per_second:,.0f} posts/s; {figures.documents} documents "
        f"({figures.document_revisions} revisions), {figures.uploads} uploads; "
        f"{figures.indexed} documents indexed ({', '.join(figures.indexed_kinds)}) "
        f"at {figures.indexed_per_second:,.0f}/s. Sign in as [bold]{BENCH_USERNAME}[/bold], "
        f"password [bold]{BENCH_PASSWORD}[/bold]."
    )
    if report is not None:
        report.write_text(json.dumps(figures.as_dict(), indent=2))


@cli.command()
def reindex() -> None:
    """Rebuild the whole search index from the database into a new folder, then swap it in.

    Searches keep answering from the previous index until the swap; changes made meanwhile
    wait in the search outbox and are applied right after.
    """
    from rich.progress import MofNCompleteColumn, Progress, TimeRemainingColumn

    from app.db import Database
    from app.search import indexer

    settings = get_settings()
    db = Database(settings.sqlalchemy_url)
    total = indexer.count_searchable(db)
    columns = (*Progress.get_default_columns()[:-1], MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("Indexing", total=total)
            count = indexer.reindex(
                db, settings, progress=lambda done: progress.update(task, completed=done)
            )
    except RuntimeError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    caught_up = sum(iter(lambda: indexer.drain_outbox(db, settings), 0))
    console.print(
        f"[green]Search index rebuilt: {count} documents[/green]"
        + (f", then {caught_up} changes made meanwhile." if caught_up else ".")
    )


@cli.command()
def worker(
    once: bool = typer.Option(False, "--once", help="Do what is waiting, then stop."),
) -> None:
    """Drain the outbox tables (search index, notification mail) outside the server, in a loop.

    Run it beside servers started with MAILLAGE_BACKGROUND_TASKS=false (several machines);
    it first catches up on whatever is waiting, then stops cleanly on Ctrl-C or SIGTERM.
    """
    import signal
    import threading

    from app.background import run_forever, run_jobs_once
    from app.db import Database

    settings = get_settings()
    db = Database(settings.sqlalchemy_url)
    if once:
        done = run_jobs_once(db, settings)
        console.print(f"Done: {done} items.")
        return
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_args: stop.set())
    console.print("Worker started; Ctrl-C stops it.")
    run_forever(db, settings, stop)
    console.print("Worker stopped.")


def main() -> None:
    cli()
