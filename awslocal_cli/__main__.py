from awslocal_cli.cli.main import console

console()
