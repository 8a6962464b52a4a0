"""The member request inbox: questions, join requests and reports sent to a network's staff."""
