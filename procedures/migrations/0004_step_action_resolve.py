"""Process steps say "resolve" where the first catalogue said "approve" (the workflow's word)."""

from django.db import migrations


def forwards(apps, schema_editor):
    ProcessStep = apps.get_model("procedures", "ProcessStep")
    for step in ProcessStep.objects.all().only("pk", "actions"):
        if "approve" in (step.actions or []):
            actions = []
            for action in step.actions:
                action = "resolve" if action == "approve" else action
                if action not in actions:
                    actions.append(action)
            ProcessStep.objects.filter(pk=step.pk).update(actions=actions)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0003_search_postgres")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
