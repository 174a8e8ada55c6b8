"""The "my day" home page: widgets from the ``dashboard_widgets`` hook, and server-side charts."""
