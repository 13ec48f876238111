"""The sidebar's widgets, chosen, ordered and configured by the owner in
/admin/widgets/: what each kind of widget is (kinds), and the settings group
that stores the sidebar as a list of widgets, with the seed's four as the
default (sidebar).
"""
