"""The header menu the owner builds in /admin/menus/ (issue 20): stored as the
settings group "menu", resolved to links when a page is drawn, imported from
and exported to WordPress's nav_menu_item items."""
