from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0020_keyaccount_fillfactor")]

    operations = [
        migrations.AddIndex(
            model_name="interaction",
            index=models.Index(
                condition=models.Q(("kind", "qbr")),
                fields=["tenant", "account", "date"],
                name="interaction_qbr",
            ),
        ),
    ]
