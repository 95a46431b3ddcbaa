"""`make bench`: latency, throughput, load and memory of the whole path, measured on this machine.

channel -> gateway -> Rasa -> actions -> Mi Aval API -> database, driven over
the gateway's web chat JSON API, and the same messages through Rasa's REST
channel alone, so that the gateway's overhead shows as a ratio.
"""
