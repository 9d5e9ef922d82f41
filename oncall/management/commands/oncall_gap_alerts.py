"""E-mail each account's managers the shifts not fully covered in the next 7 days.

Run daily by the scheduler (oncall.notify.send_gap_alerts), or on demand. A gap already
reported within 24 hours is not reported again, and nothing is sent when all is covered.
"""

from django.core.management.base import BaseCommand

from oncall.notify import send_gap_alerts


class Command(BaseCommand):
    help = "E-mail managers the on-call shifts not fully covered in the next 7 days."

    def handle(self, *args, **options):
        sent = send_gap_alerts()
        self.stdout.write(f"on-call gap alerts: {sent} e-mail(s) sent")
