"""
A long-read as the magazine publishes one: some 10,000 words of ordinary French in
sections and sub-sections, with links, titles in italics, a few words in bold, a list and a
quotation. Shared by the tests that hold such a text to the site's limits and by the
benchmarks that say what it costs.

It is built rather than stored: sentences written for it are laid out in paragraphs, each
paragraph starting at another sentence so that no two read alike, as in a real text.
"""

SENTENCES = [
    "Le festival s’ouvre sur un film hors norme, trois heures de cinéma que la salle a "
    "suivies sans un bruit.",
    "La réalisatrice, venue présenter son travail, a parlé longtemps du tournage, des "
    "repérages en hiver et des acteurs recrutés sur place.",
    "On se souvient de *La Règle du jeu*, sifflée à sa sortie en 1939 et tenue aujourd’hui "
    "pour l’un des sommets du cinéma français.",
    "Les exploitants de salles l’ont compris avant les studios : le public revient quand on "
    "lui propose autre chose que ce qu’il trouve chez lui.",
    "Dans une petite ville du Finistère, le cinéma municipal affiche complet chaque jeudi "
    "pour son ciné-club, animé par deux enseignants à la retraite.",
    "Le programme de [la rétrospective](https://www.cinematheque.fr/cycle/jean-renoir.html) "
    "court jusqu’à la fin du mois de mars, avec une copie restaurée par séance.",
    "Il faut voir ces films sur grand écran, dans le noir, avec d’autres spectateurs qui "
    "rient ou retiennent leur souffle au même moment.",
    "Le chef opérateur raconte qu’il a tourné les scènes de nuit à la lumière des "
    "réverbères, sans un seul projecteur, pour garder le grain de la ville.",
    "Certains critiques ont jugé la fin trop longue ; d’autres y voient au contraire le "
    "plus beau passage du film, celui où tout se dénoue sans un mot.",
    "**Une chose est sûre** : personne n’est sorti de la salle avant le générique.",
    "La musique, écrite pour un petit orchestre de chambre, accompagne les personnages "
    "sans jamais souligner ce que l’image dit déjà.",
    "Selon [les chiffres du Centre national du cinéma](https://www.cnc.fr/professionnels/"
    "etudes-et-rapports), la fréquentation a retrouvé son niveau d’avant la crise.",
    "Les plateformes de vidéo à la demande, elles, comptent leurs abonnés et gardent pour "
    "elles le nombre de ceux qui regardent un film jusqu’au bout.",
    "Le distributeur a choisi une sortie modeste, une centaine de copies, en comptant sur "
    "le bouche-à-oreille plutôt que sur les affiches.",
    "L’actrice principale, qui n’avait jamais joué devant une caméra, porte le film de la "
    "première à la dernière image.",
    "On pense à *Cléo de 5 à 7*, pour cette façon de suivre une femme dans Paris pendant "
    "quelques heures, en temps presque réel.",
    "Le montage a pris un an, le réalisateur ayant tourné près de deux cents heures de "
    "rushes pour un film qui en dure à peine deux.",
    "Ce genre de projet ne se finance plus qu’avec l’aide des régions, des chaînes de "
    "télévision et de quelques producteurs têtus.",
    "À la sortie de la projection, une spectatrice confiait qu’elle reviendrait la "
    "semaine suivante avec ses enfants.",
    "Les salles d’art et d’essai, qui représentent un écran sur cinq en France, vivent "
    "de ces films que les multiplexes ne programment pas.",
    "Un entretien avec le compositeur est à lire dans [notre numéro de février]"
    "(https://screenmania.fr/magazine/fevrier), avec ses partitions annotées.",
    "Rien n’obligeait le studio à restaurer ce film oublié, sinon la conviction d’une "
    "archiviste qui a passé dix ans à en retrouver les bobines.",
    "Le scénario tient en une phrase, mais chaque scène en dit plus long qu’un roman entier.",
    "Le public du festival, souvent plus jeune qu’on ne le croit, a réservé au film une "
    "ovation de plusieurs minutes.",
    "La version originale sous-titrée reste la règle dans les grandes villes, quand la "
    "version française domine partout ailleurs.",
    "Pour le prochain film, l’équipe prévoit de tourner en pellicule 35 mm, un choix "
    "devenu rare et coûteux.",
    "Les droits du film ont été vendus dans une vingtaine de pays avant même sa sortie en "
    "France, signe que les acheteurs y croient.",
    "Le débat qui a suivi la séance a duré plus d’une heure, et il a fallu rallumer la "
    "salle pour que les spectateurs se décident à partir.",
    "C’est un cinéma qui prend son temps et qui fait confiance à celui qui regarde.",
    "Le cadre, souvent fixe, laisse aux acteurs l’espace de jouer une scène entière sans "
    "coupe, comme au théâtre.",
    "Les enfants du quartier, recrutés pour quelques jours de figuration, ont fini par "
    "apparaître dans presque toutes les scènes de rue.",
    "Il reste à savoir si le film trouvera son public au-delà des festivals, là où se "
    "joue vraiment la vie d’une œuvre.",
]

HEADINGS = [
    "Une salle comble pour un film de trois heures",
    "Le retour du public dans les salles",
    "Un tournage de deux ans",
    "La lumière de la ville",
    "Ce que disent les chiffres",
    "Les plateformes face aux salles",
    "Une actrice révélée",
    "La musique et le silence",
    "Restaurer les films oubliés",
    "Le financement du cinéma d’auteur",
    "Les salles d’art et d’essai",
    "Après la projection",
]

SUBHEADINGS = ["Les premières réactions", "L’avis des exploitants"]

FILMS = [
    "*La Règle du jeu*, de Jean Renoir (1939)",
    "*Les Enfants du paradis*, de Marcel Carné (1945)",
    "*Cléo de 5 à 7*, d’Agnès Varda (1962)",
    "*Le Mépris*, de Jean-Luc Godard (1963)",
    "*La Maman et la Putain*, de Jean Eustache (1973)",
    "*Sans toit ni loi*, d’Agnès Varda (1985)",
]

QUOTE = (
    "> « Un film, c’est une salle, un écran et des gens qui ne se connaissent pas et qui, "
    "pendant deux heures, regardent la même chose. »"
)

# Its last line, and the only one to name the town: what a search finds only if the whole
# text was indexed.
CLOSING = "*Propos recueillis à Douarnenez, en février.*"

SENTENCES_IN_A_PARAGRAPH = 6
PARAGRAPHS_IN_A_SECTION = 7


def paragraph(number):
    """The ``number``-th paragraph: six sentences, from a different one each time."""
    start = number * 7
    return " ".join(
        SENTENCES[(start + offset * 5) % len(SENTENCES)]
        for offset in range(SENTENCES_IN_A_PARAGRAPH)
    )


def long_read():
    """The Markdown of the long-read, about 65,000 characters."""
    blocks, number = [], 0
    for section, heading in enumerate(HEADINGS):
        blocks.append(f"## {heading}")
        for place in range(PARAGRAPHS_IN_A_SECTION):
            if place == PARAGRAPHS_IN_A_SECTION // 2 and section % 6 == 1:
                blocks.append(f"### {SUBHEADINGS[section // 6 % len(SUBHEADINGS)]}")
            blocks.append(paragraph(number))
            number += 1
        if section == 2:
            blocks.append("Les films qui reviennent le plus souvent dans la conversation :")
            blocks.append("\n".join(f"- {film}" for film in FILMS))
        if section == 7:
            blocks.append(QUOTE)
    blocks.append(CLOSING)
    return "\n\n".join(blocks)
