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
    from app.storage import storage_for

    settings = get_settings()
    db = Database(settings.sqlalchemy_url)
    with db.session() as session:
        if if_empty and not database_is_empty(session):
            console.print("The database already holds data: no demo added.")
            return
        seed(session, storage_for(settings))
        session.commit()
    console.print(
        "[green]Demo network ready.[/green] Sign in as [bold]admin[/bold], [bold]claire[/bold] (pilot), "
        f"[bold]karim[/bold] (animator) or [bold]lea[/bold] (member), password [bold]{DEMO_PASSWORD}[/bold]."
    )


def main() -> None:
    cli()
