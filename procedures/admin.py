# The Agency admin is registered in onestop/admin.py: it is scoped by staff roles, which live
# in onestop, and procedures never imports onestop (DESIGN §4).
