"""The Gradio app (the only package that imports gradio)."""

import os

# Offline by design: gradio must not phone home for analytics or version checks.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
