"""awslocal: `aws kms`, `aws sqs`, `aws sns` (AWS CLI v2) offline, over a local state directory."""

__version__ = "0.1.0"
