from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, ExpressionWrapper
from django.db.models.functions import Lower, Now
from django.utils.translation import gettext_lazy as _


class Letter(models.Model):
    """A newsletter readers may choose: the daily digest, the week's reviews, alerts."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("daily digest")
        WEEKLY = "weekly", _("weekly")
        BREAKING = "breaking", _("breaking news")

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.CharField(
        _("description"),
        max_length=200,
        blank=True,
        help_text=_("One line beside its box on the subscription form."),
    )
    section = models.ForeignKey(
        "articles.Section",
        verbose_name=_("section"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only this section's articles fill its editions; all, when empty."),
    )
    send_time = models.TimeField(
        _("sending time"),
        null=True,
        blank=True,
        help_text=_(
            "Paris time. Set, the letter sends itself at this hour when something new "
            "was published since its last edition."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("offered to readers"), default=True, help_text=_("Shown on the subscription form.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self):
        return self.name


class Subscriber(models.Model):
    """
    A reader's address. It receives nothing until the link of the confirmation message
    is followed (double opt-in); what we hold is this address, its letters and the
    consent given to each: no name, no client address, no opening or click.
    """

    email = models.EmailField(_("e-mail address"), max_length=254)
    created_at = models.DateTimeField(_("signed up on"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)
    letters = models.ManyToManyField(
        Letter, through="Subscription", related_name="subscribers", verbose_name=_("letters")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_email_unique"),
        ]

    def __str__(self):
        return self.email


class Subscription(models.Model):
    """One letter a subscriber chose, and the consent: when, and the very text shown."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="subscriptions")
    consented_at = models.DateTimeField(_("consent given on"))
    consent_text = models.TextField(_("text the reader agreed to"))

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "letter"], name="newsletter_subscription_unique"
            ),
        ]

    def __str__(self):
        return f"{self.subscriber} → {self.letter}"


class Suppression(models.Model):
    """
    An address no message goes to again: a bounce, a complaint, a permanent refusal by
    its server. Kept apart from subscribers so that erasing a subscriber keeps it.
    """

    class Reason(models.TextChoices):
        BOUNCED = "bounced", _("bounced")
        COMPLAINED = "complained", _("marked as spam")
        REFUSED = "refused", _("refused by its server")
        MANUAL = "manual", _("added by hand")

    email = models.EmailField(_("e-mail address"), max_length=254)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("added on"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_suppression_email_unique"),
        ]

    def __str__(self):
        return self.email


class EditionQuerySet(models.QuerySet):
    def gone_out(self):
        """The editions whose sending has begun or is set for a time: no longer drafts."""
        return self.exclude(status=Edition.Status.DRAFT)

    def for_list(self):
        """What a line of the editions' list shows: the letter, and the deliveries counted."""
        # Ordered again: Django drops Meta.ordering from a query that groups rows.
        return (
            self.select_related("letter")
            .annotate(
                recipients=models.Count("deliveries"),
                delivered=models.Count(
                    "deliveries", filter=models.Q(deliveries__status=Delivery.Status.SENT)
                ),
            )
            .order_by("-created_at", "-pk")
        )


class Edition(models.Model):
    """One issue of a letter: its subject, an intro by hand, articles in order."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    letter = models.ForeignKey(
        Letter, verbose_name=_("letter"), on_delete=models.PROTECT, related_name="editions"
    )
    subject = models.CharField(_("subject"), max_length=150)
    intro = models.TextField(_("introduction"), blank=True)
    articles = models.ManyToManyField(
        "articles.Article",
        through="EditionArticle",
        related_name="+",
        verbose_name=_("articles"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    send_at = models.DateTimeField(_("send on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    # The Paris day a daily digest that sent itself covers; one per letter and day, so
    # that two workers looking at the same hour cannot both make it.
    digest_of = models.DateField(_("daily digest of"), null=True, blank=True, editable=False)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "digest_of"], name="newsletter_edition_one_digest_a_day"
            ),
        ]

    def __str__(self):
        return self.subject


class EditionArticle(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(
        "articles.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("article of the edition")
        verbose_name_plural = _("articles of the edition")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "article"], name="newsletter_editionarticle_unique"
            ),
        ]

    def __str__(self):
        return str(self.article)


class DeliveryQuerySet(models.QuerySet):
    def unfinished(self):
        """Waiting to be sent, or being sent: what keeps an edition from being done."""
        return self.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])

    def due(self):
        """Waiting, and not held back until a later try."""
        return self.filter(status=Delivery.Status.PENDING).filter(
            models.Q(retry_at__isnull=True) | models.Q(retry_at__lte=Now())
        )

    def abandoned(self, lease):
        """
        Claimed longer ago than ``lease`` seconds: its worker, which renews its claim
        while it sends, has died. The database's clock, not the worker's, so that
        workers on machines whose clocks differ agree.
        """
        cutoff = ExpressionWrapper(
            Now() - timedelta(seconds=lease), output_field=models.DateTimeField()
        )
        return self.filter(status=Delivery.Status.SENDING, claimed_at__lt=cutoff)

    def counts(self):
        """How many deliveries in each status: the progress of a sending."""
        counted = dict(self.order_by().values_list("status").annotate(Count("pk")))
        return {status: counted.get(status, 0) for status in Delivery.Status.values}


class Delivery(models.Model):
    """
    One edition to one subscriber: created for every subscriber when the sending starts,
    claimed by one worker at a time, marked sent once the mail server accepted it. It is
    what keeps a killed worker, or two at once, from sending twice or skipping anyone.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SUPPRESSED = "suppressed", _("not sent: suppressed address")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Which worker holds it, and since when: a claim older than the lease is a dead
    # worker's, and goes back to the others.
    claim = models.CharField(max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    # After a temporary failure (the server said « try later », the connection dropped):
    # not tried again before this time.
    retry_at = models.DateTimeField(_("next try on"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscriber"], name="newsletter_delivery_unique"
            ),
        ]
        indexes = [models.Index(fields=["edition", "status"])]

    def __str__(self):
        return f"{self.edition} → {self.subscriber}"
