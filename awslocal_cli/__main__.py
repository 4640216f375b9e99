from awslocal_cli.cli.main import main

main()
