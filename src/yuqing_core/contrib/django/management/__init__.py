"""The app's management commands (管理命令)."""
