"""bc-subscriptions: a subscription engine for BigCommerce merchants."""
