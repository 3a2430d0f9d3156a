#!/usr/bin/python3
"""python3-confluent-kafka (librdkafka 2.0.2) driver for the process-level tests: long-running
group members that get SIGKILLed, AdminClient topic operations, and an idempotent producer whose
retry crosses a broker restart.

Usage: /usr/bin/python3 confluent-kafka-ops.py '<json args>'
Every output is one JSON object per stdout line, flushed at once, so a killed process has
already reported everything it did.
"""
import json
import sys

from confluent_kafka import Consumer, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewPartitions


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def member(a):
    """A group member that runs until killed: one line per assignment and per message, each
    message committed synchronously before its line is printed (so a printed message is a
    committed one, and the test can tell what the group committed before a crash)."""
    c = Consumer({
        "bootstrap.servers": a["bootstrap"],
        "group.id": a["group"],
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 500,
        "fetch.wait.max.ms": 100,
        "reconnect.backoff.max.ms": 1000,
    })

    def on_assign(consumer, partitions):
        emit({"event": "assigned", "partitions": sorted(p.partition for p in partitions)})

    c.subscribe([a["topic"]], on_assign=on_assign)
    while True:
        msg = c.poll(0.1)
        if msg is None:
            continue
        if msg.error():
            emit({"event": "error", "error": str(msg.error())})
            continue
        emit({"event": "fetched", "partition": msg.partition(), "offset": msg.offset(), "value": msg.value().decode()})
        try:
            c.commit(message=msg, asynchronous=False)
        except KafkaException as e:
            # A commit refused mid-rebalance: the message will be delivered again to its new owner.
            emit({"event": "commit-failed", "error": str(e)})
            continue
        emit({"event": "message", "partition": msg.partition(), "offset": msg.offset(), "value": msg.value().decode()})


def admin_ops(a):
    admin = AdminClient({"bootstrap.servers": a["bootstrap"]})
    result = {}
    if a.get("create_partitions"):
        futures = admin.create_partitions(
            [NewPartitions(t, n) for t, n in a["create_partitions"].items()], operation_timeout=10, request_timeout=15)
        result["create_partitions"] = outcome(futures)
    if a.get("delete_topics"):
        futures = admin.delete_topics(a["delete_topics"], operation_timeout=10, request_timeout=15)
        result["delete_topics"] = outcome(futures)
    md = admin.list_topics(timeout=10)
    result["topics"] = {t: len(md.topics[t].partitions) for t in md.topics if not md.topics[t].error}
    emit(result)


def outcome(futures):
    out = {}
    for name, f in futures.items():
        try:
            f.result(timeout=20)
            out[name] = None
        except KafkaException as e:
            out[name] = str(e)
    return out


def idempotent(a):
    """Produces one batch, reports it, then waits for a line on stdin before producing the second
    batch: the test arms its response-swallowing proxy in between. Retries are librdkafka's own."""
    p = Producer({
        "bootstrap.servers": a["bootstrap"],
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 50,
        "message.timeout.ms": 90000,
        "retry.backoff.ms": 200,
        "reconnect.backoff.ms": 100,
        "reconnect.backoff.max.ms": 1000,
        "max.in.flight.requests.per.connection": 1,
    })
    reports = []

    def on_delivery(err, msg):
        reports.append({"error": None if err is None else str(err), "offset": msg.offset(), "value": msg.value().decode()})

    def batch(start, n):
        for i in range(start, start + n):
            p.produce(a["topic"], value=("m%d" % i).encode(), key=("k%d" % i).encode(),
                      headers=[("n", str(i).encode())], partition=0, on_delivery=on_delivery)
        p.poll(0)

    n = a["batch"]
    batch(0, n)
    emit({"event": "flushed", "left": p.flush(30), "reports": list(reports)})
    sys.stdin.readline()
    batch(n, n)
    left = p.flush(120)
    emit({"event": "done", "left": left, "reports": reports})


if __name__ == "__main__":
    args = json.loads(sys.argv[1])
    {"member": member, "admin": admin_ops, "idempotent": idempotent}[args["cmd"]](args)
