"""DynamoDB adapter: one table, pynamodb models, a transactional unit of work."""
