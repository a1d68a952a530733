from warclaims.command import main

raise SystemExit(main())
