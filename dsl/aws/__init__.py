"""Talking to AWS and SageMaker: deploy, diff (a plan), run, package, definitions as JSON, image URIs."""
