"""
What the four footer pages say on a new site, until the publisher writes their own: the
privacy page says what this software does, which is true of every site it runs; the
others hold the headings French law and readers expect, with the publisher's facts to
fill in between brackets. The migration that creates the pages copies these texts.
"""

PAGES = {
    "a-propos": (
        "À propos",
        """\
Présentez ici votre rédaction : ce que le magazine couvre, pour qui il écrit, et qui
le fait. Les portraits de l’équipe sont sur la page [Auteurs](/auteurs/).

**[Texte à écrire par la rédaction]**
""",
    ),
    "contact": (
        "Contact",
        """\
## Écrire à la rédaction

**[Adresse électronique de la rédaction]**

## Signaler une erreur

Une erreur dans un article ? Écrivez-nous en donnant l’adresse de l’article : chaque
correction est signalée à la fin de l’article corrigé.
""",
    ),
    "mentions-legales": (
        "Mentions légales",
        """\
## Éditeur

**[Nom de l’éditeur, forme juridique et capital, adresse du siège, numéro
d’immatriculation, numéro de téléphone et adresse électronique]**

## Directeur ou directrice de la publication

**[Nom]**

## Hébergeur

**[Nom, adresse et numéro de téléphone de l’hébergeur]**

Ces mentions sont exigées de toute publication en ligne par l’article 6 de la loi
n° 2004-575 du 21 juin 2004 pour la confiance dans l’économie numérique.
""",
    ),
    "confidentialite": (
        "Confidentialité",
        """\
## Ce que ce site ne fait pas

Lire le magazine ne dépose aucun cookie : ni mesure d’audience, ni publicité, ni bouton
de réseau social qui vous suivrait d’un site à l’autre. C’est pourquoi aucun bandeau ne
vous demande votre consentement.

Les pages ne chargent rien depuis un autre site : les images et les polices sont servies
par nous, et une bande-annonce ne vient de la plateforme vidéo que si vous cliquez dessus.

## Ce que ce site garde

- Les journaux du serveur (adresse IP, page demandée, date et heure), le temps
  nécessaire à la sécurité du site.
- Pour les membres de la rédaction seulement : un cookie de session, sans lequel on ne
  peut pas se connecter à l’espace de rédaction.

## La lettre d’information

Si vous vous abonnez à une de nos lettres, nous gardons votre adresse e-mail, les lettres
choisies avec, pour chacune, la date et le texte de votre consentement, et la liste des
messages qui vous ont été envoyés. Rien d’autre : ni nom, ni adresse IP, ni mesure des
ouvertures ou des clics. Nos messages ne contiennent aucun pixel espion et aucun lien
réécrit : leurs liens mènent tout droit à nos pages.

Rien ne vous est envoyé avant que vous ayez suivi le lien de confirmation, et une adresse
qui ne l’a pas suivi sous sept jours est effacée. Chaque message contient un lien pour vous
désabonner en un clic, et un lien vers vos préférences, d’où vous pouvez aussi télécharger
ou effacer tout ce que nous gardons sur vous. Une adresse que son serveur refuse, ou qui
nous signale comme indésirable, est gardée sur une liste d’exclusion, pour ne plus jamais
lui écrire.

## Vos droits

Vous pouvez demander à consulter, corriger ou effacer ce qui vous concerne en écrivant à
la rédaction (page [Contact](/contact/)), et saisir la CNIL si la réponse ne vous
convient pas.
""",
    ),
}
