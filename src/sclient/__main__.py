from sclient.cli.main import command

raise SystemExit(command())
