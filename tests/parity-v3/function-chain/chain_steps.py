def load(source, run_id):
    """Load the raw data."""
    return [source, run_id]


def featurize(rows, model_uri, *extra, scale=1.0, **options):
    return {"features": rows, "scale": scale}


def summarize(features, first, *, label: str = "summary"):
    """Summarize the features."""
    return f"{label}: {features} {first}"
