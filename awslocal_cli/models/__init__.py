"""Trimmed AWS service models (see awslocal_cli/model.py)."""
