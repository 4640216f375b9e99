"""The command line: click groups and commands, AWS CLI v2 parameter conventions, no logic."""
