# The feedback report's publication date, which the LGA timetable reads (issue 16, set-up pages).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0007_council_logo_and_rag_wording"),
    ]

    operations = [
        migrations.AddField(
            model_name="peerchallenge",
            name="feedback_report_published_on",
            field=models.DateField(blank=True, null=True, verbose_name="feedback report published"),
        ),
        migrations.AddField(
            model_name="historicalpeerchallenge",
            name="feedback_report_published_on",
            field=models.DateField(blank=True, null=True, verbose_name="feedback report published"),
        ),
    ]
