from django.dispatch import Signal

# Sent after an image and its renditions are saved, for what embeds it (article
# bodies) to refresh without the images app knowing about them.
image_changed = Signal()
