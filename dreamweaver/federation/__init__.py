"""The fediverse and the independent web: ActivityPub and Webmention (issue 22).

Built in steps; what is here so far is the ground every part stands on:
`outbound`, the only way this area (and any other) asks another server for
something because of what someone else sent us.
"""
