"""A change of an account's time zone moves every call of the account to other local
cells: the account's statistics rollup is rebuilt in the transaction of the change
(the admin, the API's write_account and the demo seed all save inside one)."""

from __future__ import annotations

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts.models import Account
from stats.rollup import rebuild

# A mark on the saved instance, from its pre_save to its post_save.
ZONE_CHANGED = "_stats_zone_changed"


@receiver(pre_save, sender=Account, dispatch_uid="stats_note_zone_change")
def note_zone_change(sender, instance: Account, raw: bool = False, update_fields=None, **kwargs):
    setattr(instance, ZONE_CHANGED, False)
    if raw or instance.pk is None:
        return
    if update_fields is not None and "timezone" not in update_fields:
        return
    stored = Account.objects.filter(pk=instance.pk).values_list("timezone", flat=True).first()
    setattr(instance, ZONE_CHANGED, stored is not None and stored != instance.timezone)


@receiver(post_save, sender=Account, dispatch_uid="stats_rebuild_on_zone_change")
def rebuild_on_zone_change(sender, instance: Account, raw: bool = False, **kwargs):
    if getattr(instance, ZONE_CHANGED, False):
        setattr(instance, ZONE_CHANGED, False)
        rebuild([instance.pk])
