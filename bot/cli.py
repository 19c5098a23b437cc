"""The `portavoce` command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.policy_loader import PolicyError, load_policy
from bot.settings import SettingsError, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="portavoce",
        description="Telegram community manager for brands.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="serve Telegram (token from PORTAVOCE_TOKEN)")
    run.add_argument("--force", action="store_true",
                     help="poll even if a webhook is set (it is removed)")
    run.add_argument("--role", choices=["all", "receiver", "worker"],
                     help="all (default), receiver (webhook into the inbox) or worker")

    start = sub.add_parser(
        "start", help="`run` when PORTAVOCE_TOKEN is set, otherwise `try` (the sandbox)"
    )
    start.add_argument("--force", action="store_true", help=argparse.SUPPRESS)

    trial = sub.add_parser("try", help="chat with the bot in the built-in sandbox, no token")
    trial.add_argument("--policy", type=Path, help="policy file (default: the example)")
    trial.add_argument("--jsonl", action="store_true",
                       help="print every Bot API call as one JSON object per line")
    trial.add_argument("--db", help="database URL (default: a temporary SQLite file)")

    check = sub.add_parser("check", help="validate a policy file and summarise it")
    check.add_argument("file", nargs="?", type=Path)

    sub.add_parser("schema", help="print the policy file's JSON Schema")

    faq = sub.add_parser("faq", help="FAQ tools")
    faq_sub = faq.add_subparsers(dest="faq_command", required=True)
    faq_eval = faq_sub.add_parser("eval", help="accuracy and latency on a labelled set")
    faq_eval.add_argument("data", type=Path)
    faq_eval.add_argument("--json", action="store_true", help="one JSON object")
    faq_eval.add_argument("--threshold", type=float, help="override the confidence threshold")

    export = sub.add_parser("export", help="cases or stats as CSV (same as /export)")
    export.add_argument("what", choices=["cases", "stats"])
    export.add_argument("--days", type=int, default=30, help="period (default 30)")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")

    esc = sub.add_parser("escalation", help="escalation tools")
    esc_sub = esc.add_subparsers(dest="esc_command", required=True)
    esc_eval = esc_sub.add_parser("eval", help="complaint detection on a labelled set")
    esc_eval.add_argument("data", type=Path)
    esc_eval.add_argument("--json", action="store_true", help="one JSON object")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations")
    down = db_sub.add_parser("downgrade", help="revert migrations")
    down.add_argument("revision", nargs="?", default="-1")
    backup = db_sub.add_parser("backup", help="consistent copy of a SQLite database")
    backup.add_argument("target", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except (SettingsError, PolicyError) as exc:
        print(f"portavoce: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "check":
        return cmd_check(args.file)
    if args.command == "schema":
        from policies.schema import PolicyFile

        print(json.dumps(PolicyFile.model_json_schema(), indent=2, ensure_ascii=False))
        return 0
    if args.command == "faq":
        from bot.evals import faq_eval

        return faq_eval(args.data, as_json=args.json, threshold=args.threshold)
    if args.command == "escalation":
        from bot.evals import escalation_eval

        return escalation_eval(args.data, as_json=args.json)
    if args.command == "start":
        settings = load_settings()
        if settings.token is None:
            print("portavoce: no PORTAVOCE_TOKEN set: starting the sandbox (`portavoce try`);"
                  " set the token to serve Telegram.", file=sys.stderr)
            args.command, args.policy = "try", settings.policy_file
            args.jsonl, args.db = False, None
        else:
            args.command = "run"
    if args.command == "try":
        from bot.console import run_console

        return int(
            asyncio.run(run_console(policy_path=args.policy, jsonl=args.jsonl, db_url=args.db))
        )
    overrides = {"role": args.role} if getattr(args, "role", None) else {}
    settings = load_settings(**overrides)
    if args.command == "run":
        from bot.serve import serve

        return asyncio.run(serve(settings, force=args.force))
    if args.command == "export":
        from bot.dbtool import export

        return asyncio.run(export(settings, args.what, args.days, args.out))
    if args.command == "db":
        from bot.dbtool import run_db_command

        return asyncio.run(run_db_command(settings, args))
    return 2


def cmd_check(path: Path | None) -> int:
    policy = load_policy(path)
    source = path or "the bundled example"
    moderation = policy.moderation
    print(f"{source}: OK")
    print(f"  brand: {policy.brand.name} ({', '.join(policy.brand.languages)}),"
          f" voice {policy.brand.voice.formality}, emoji {policy.brand.voice.emoji}")
    team = policy.team.chat_id if policy.team.chat_id is not None else "not set"
    print(f"  team chat: {team}; topics: {', '.join(policy.team.topics) or 'none'}")
    print(f"  communities: {len(policy.communities)}")
    print(f"  moderation: {moderation.mode}, {len(moderation.blocklist)} blocklist entries,"
          f" flood {moderation.flood.messages}/{moderation.flood.seconds}s,"
          f" warnings {moderation.warnings.limit} then {moderation.warnings.then}")
    threshold = policy.faq.threshold or "default"
    print(f"  faq: {len(policy.faq.entries)} entries, threshold {threshold}")
    print(f"  escalation: complaints {'on' if policy.escalation.complaints.enabled else 'off'},"
          f" reports {'on' if policy.escalation.reports.enabled else 'off'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
