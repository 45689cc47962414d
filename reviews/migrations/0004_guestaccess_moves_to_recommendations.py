"""GuestAccess moves to the recommendations app (ADR 0015): here it leaves the reviews app's state.

State only: the tables `reviews_guestaccess` and `reviews_historicalguestaccess` stay, with
every row, and `recommendations.0004_guestaccess_from_reviews` (which depends on this
migration) takes the model over with the same tables and moves its content types.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0003_progress_review_workflow'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='GuestAccess'),
                migrations.DeleteModel(name='HistoricalGuestAccess'),
            ],
            database_operations=[],
        ),
    ]
