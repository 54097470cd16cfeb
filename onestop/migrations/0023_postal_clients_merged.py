"""The post's API clients are API clients now (0022 copied them with their ids and token hashes):
shipment events point at ApiClient, and PostalApiClient goes. A migration of its own so that the
copy is committed before the foreign key changes (PostgreSQL refuses to alter a table with pending
trigger events in the same transaction)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('onestop', '0022_api_clients_webhooks'),
    ]

    operations = [
        migrations.AlterField(
            model_name='shipmentevent',
            name='client',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='onestop.apiclient'),
        ),
        migrations.RemoveField(
            model_name='postalapiclient',
            name='agency',
        ),
        migrations.DeleteModel(
            name='PostalApiClient',
        ),
    ]
