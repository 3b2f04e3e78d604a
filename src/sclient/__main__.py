from sclient.cli.main import main

raise SystemExit(main())
