from warclaims.cli import main

raise SystemExit(main())
