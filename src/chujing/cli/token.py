"""`chujing token`: API tokens for the web service (stored as SHA-256 digests in web.sqlite)."""

from __future__ import annotations

import typer

token_app = typer.Typer(help="API tokens for `chujing serve`: create, list, revoke.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")


def _store():
    from chujing.web.settings import chujing_home
    from chujing.web.store import WebStore

    return WebStore(chujing_home() / "web.sqlite")


@token_app.command("create")
def create(name: str = typer.Argument(..., help="Who or what the token is for, e.g. ci-pipeline")) -> None:
    """Create a token and print it once: only its SHA-256 digest is kept."""
    token, info = _store().create_token(name)
    typer.echo(token)
    typer.echo(f"created token {info.id} ({info.name}); it is shown only now — keep it safe", err=True)


@token_app.command("list")
def list_tokens() -> None:
    """List tokens (ids and names; the tokens themselves are not stored)."""
    rows = _store().list_tokens()
    if not rows:
        typer.echo("no tokens")
        return
    for t in rows:
        state = f"revoked {t.revoked_at}" if t.revoked_at else "active"
        typer.echo(f"{t.id}  {t.name:<30} created {t.created_at}  {state}")


@token_app.command("revoke")
def revoke(token: str = typer.Argument(..., help="Token id or name")) -> None:
    """Revoke a token by id or name; a running server stops accepting it within seconds."""
    for t in _store().revoke(token):
        typer.echo(f"revoked {t.id} ({t.name})")
