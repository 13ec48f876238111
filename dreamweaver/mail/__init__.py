"""Email: every message is a row of the outbox written in the transaction of the
event that causes it (outbox.queue), and the task queue hands it to the mail
server, trying again with backoff until it is taken (outbox.deliver and the
periodic outbox.send_due). With no MAIL_SERVER configured, messages stay in the
outbox, where /admin and `flask mail-outbox` show them.

addresses.py checks an address before anything is stored; compose.py renders a
message's two parts from templates/mail/ and builds the EmailMessage;
transport.py talks SMTP (the standard library's smtplib).
"""
