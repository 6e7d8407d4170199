"""How a film or series describes itself to search engines: schema.org Movie or TVSeries."""

from articles.structured_data import absolute, image_object


def creative_work(work):
    """The work as schema.org sees it, without @context: nested in a Review, or on its page."""
    people = [{"@type": "Person", "name": name} for name in work.director_names]
    data = {
        "@type": "TVSeries" if work.is_serial else "Movie",
        "name": work.title,
        "alternateName": work.original_title if work.shows_original_title else None,
        "url": absolute(work.get_absolute_url()),
        "dateCreated": str(work.year),
        # A series is "created by" its showrunners; a film "directed by".
        ("creator" if work.is_serial else "director"): people or None,
        "actor": [{"@type": "Person", "name": name} for name in work.cast_names] or None,
        "countryOfOrigin": [
            {"@type": "Country", "name": country.name} for country in work.countries
        ]
        or None,
        "duration": f"PT{work.runtime}M" if work.runtime and not work.is_serial else None,
        "numberOfSeasons": work.seasons if work.is_serial else None,
        "description": work.synopsis or None,
        "image": image_object(work.poster) if work.poster else None,
    }
    return {key: value for key, value in data.items() if value is not None}
