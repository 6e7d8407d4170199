# Dates as a French newsroom writes them, « 12 décembre 2026 à 6 h 00 », where
# Django's French says « 12 décembre 2026 06:00 ». Everything not set here is
# Django's own French (django/conf/locale/fr/formats.py).
DATETIME_FORMAT = r"j F Y à G \h i"
SHORT_DATETIME_FORMAT = r"d/m/Y à G \h i"
TIME_FORMAT = r"G \h i"
