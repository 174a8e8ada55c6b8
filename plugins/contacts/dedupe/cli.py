"""``klientela dedupe scan``: the duplicate scan from the command line."""

from __future__ import annotations

import asyncio

import click

from plugins.contacts.dedupe.rules import DEFAULT_RULES, RuleError, parse


@click.group()
def dedupe() -> None:
    """Find duplicate clients."""


@dedupe.command()
@click.option("--as", "as_user", required=True, metavar="EMAIL",
              help="Scan as this user: only the clients and fields they may read are compared.")
@click.option("--rule", "rules", multiple=True, metavar="RULE",
              help=f"A rule (repeat: any rule matches). Keys tax_id, phone, email, name joined by '&', "
                   f"name~0.9 for similar names. Default: {' | '.join(DEFAULT_RULES)}.")
@click.option("--veto", multiple=True, default=("tax_id",), show_default=True,
              help="Never match two records whose values of this key differ.")
@click.option("--no-veto", is_flag=True, help="No veto key at all.")
@click.option("--max-block", type=click.IntRange(2, None), default=1000, show_default=True,
              help="Skip key values shared by more records than this (too common to mean one client).")
@click.option("--region", "regions", multiple=True, default=("RU", "US"), show_default=True,
              help="Regions a phone without a country code is read in.")
@click.option("--show", type=click.IntRange(0, None), default=10, show_default=True, help="Clusters to print.")
def scan(as_user: str, rules: tuple[str, ...], veto: tuple[str, ...], no_veto: bool, max_block: int,
         regions: tuple[str, ...], show: int) -> None:
    """Scan the whole client base and store the report (shown under Clients → Duplicates)."""
    from core.cli.common import die, load_settings

    try:
        ruleset = parse(list(rules or DEFAULT_RULES), veto=() if no_veto else veto, max_block=max_block, regions=regions)
        from plugins.contacts.dedupe.normalize import phone_keys

        phone_keys("1", ruleset.regions)  # an unknown region fails here, not after reading the base
    except (RuleError, ValueError) as exc:
        die(str(exc))

    async def go():
        from core.auth.principals import principal_for_user
        from core.auth.users import user_by_email
        from core.db.bootstrap import bound_kernel
        from plugins.contacts.dedupe.scan import report_page, run_scan

        kernel = bound_kernel(load_settings())
        user = await user_by_email(as_user)
        principal = await principal_for_user(user.id, via="system") if user else None
        if principal is None:
            die(f"no active user {as_user}")

        async def progress(done, total=None, message=""):
            click.echo(f"  {message}: {done}" + (f" of {total}" if total else ""), err=True)

        scan_id = await run_scan(kernel, principal, ruleset, progress=progress)
        report = await report_page(kernel, principal, scan_id, per_page=max(show, 1))
        stats = report["scan"]["stats"]
        click.echo(f"scan {scan_id}: {stats['records']} clients, {stats['pairs']} matched pairs in "
                   f"{stats['clusters']} clusters ({stats['candidates']} pairs compared; "
                   + ", ".join(f"{k} {v:.1f} s" for k, v in stats["seconds"].items()) + ")")
        for rule, blocks in stats["skipped_blocks"].items():
            click.echo(f"  rule {rule}: {blocks} key values shared by more than {max_block} records were skipped")
        for cluster in report["clusters"][:show]:
            click.echo(f"cluster {cluster['number']}:")
            for row in cluster["records"]:
                click.echo(f"  {row['id']}  {row.get('name', '')}")
            for pair in cluster["pairs"]:
                score = f" ({pair['score']:.2f})" if pair["score"] is not None else ""
                click.echo(f"    {pair['a'].get('name', pair['a']['id'])} = {pair['b'].get('name', pair['b']['id'])}: {pair['rule']}{score}")

    asyncio.run(go())
