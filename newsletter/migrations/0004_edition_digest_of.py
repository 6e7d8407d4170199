from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0003_delivery_retry_at")]

    operations = [
        migrations.AddField(
            model_name="edition",
            name="digest_of",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="daily digest of"
            ),
        ),
        migrations.AddConstraint(
            model_name="edition",
            constraint=models.UniqueConstraint(
                fields=("letter", "digest_of"), name="newsletter_edition_one_digest_a_day"
            ),
        ),
    ]
