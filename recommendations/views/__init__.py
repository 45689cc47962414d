"""The recommendations app's views, one module per area of the product.

- `pages`: reading challenges and recommendations (home, challenge, recommendation).
- `actions`: officers' and coordinators' work on actions (my actions, progress, sign-off).
- `dashboards`: scrutiny dashboards, the action plan table, portfolio and search.
- `imports`: bringing recommendations and action plans in, and exporting the plan.
"""
