"""Adapters: the ports implemented over DynamoDB, BigCommerce, KMS, SQS and HTTP."""
