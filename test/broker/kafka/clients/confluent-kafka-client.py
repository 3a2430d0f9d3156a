#!/usr/bin/python3
"""python3-confluent-kafka (librdkafka 2.0.2) driver for confluent-kafka.test.ts.

Usage: /usr/bin/python3 confluent-kafka-client.py '<json args>'
Bytes travel as hex. The final result is one JSON object on the last stdout line; the consumer
also prints {"event": "assigned", ...} lines as its assignment changes (flushed immediately).
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def produce(a):
    p = Producer({
        "bootstrap.servers": a["bootstrap"],
        "acks": "all",
        "enable.idempotence": False,
        "compression.type": a.get("compression", "none"),
        "linger.ms": 5,
        "message.timeout.ms": 15000,
    })
    reports = []

    def on_delivery(err, msg):
        reports.append({
            "error": None if err is None else str(err),
            "partition": msg.partition(),
            "offset": msg.offset(),
            "key": None if msg.key() is None else msg.key().hex(),
        })

    for m in a["messages"]:
        kwargs = {
            "value": bytes.fromhex(m["value"]),
            "headers": [(h[0], bytes.fromhex(h[1])) for h in m.get("headers", [])],
            "on_delivery": on_delivery,
        }
        if m.get("key") is not None:
            kwargs["key"] = bytes.fromhex(m["key"])
        if m.get("partition") is not None:
            kwargs["partition"] = m["partition"]
        p.produce(a["topic"], **kwargs)
        p.poll(0)
    left = p.flush(15)
    emit({"undelivered": left, "reports": reports})


def consume(a):
    conf = {
        "bootstrap.servers": a["bootstrap"],
        "group.id": a["group"],
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 500,
        "fetch.wait.max.ms": 100,
    }
    c = Consumer(conf)
    assignment = {"current": None}

    def on_assign(consumer, partitions):
        assignment["current"] = sorted(p.partition for p in partitions)
        emit({"event": "assigned", "partitions": assignment["current"]})

    def on_revoke(consumer, partitions):
        emit({"event": "revoked", "partitions": sorted(p.partition for p in partitions)})

    c.subscribe([a["topic"]], on_assign=on_assign, on_revoke=on_revoke)
    expect = a.get("expect")
    idle_ms = a.get("idle_ms", 2000)
    # Idle clock only starts once this consumer has an assignment (and, if asked, a first message).
    wait_first = a.get("wait_first", False)
    deadline = time.time() + a.get("max_ms", 20000) / 1000.0
    out = []
    errors = []
    last = None
    while time.time() < deadline:
        msg = c.poll(0.1)
        now = time.time()
        if msg is None:
            if assignment["current"] is not None and last is None and not (wait_first and not out):
                last = now
            if last is not None and (now - last) * 1000 >= idle_ms:
                break
            continue
        if msg.error():
            errors.append(str(msg.error()))
            continue
        out.append({
            "partition": msg.partition(),
            "offset": msg.offset(),
            "key": None if msg.key() is None else msg.key().hex(),
            "value": None if msg.value() is None else msg.value().hex(),
            "headers": [[k, None if v is None else v.hex()] for k, v in (msg.headers() or [])],
        })
        # Synchronous commit of the next offset to read, message by message.
        c.commit(message=msg, asynchronous=False)
        last = now
        if expect is not None and len(out) >= expect:
            break
    committed = [
        {"partition": tp.partition, "offset": tp.offset}
        for tp in c.committed(c.assignment(), timeout=10)
    ] if c.assignment() else []
    c.close()
    emit({"messages": out, "errors": errors, "committed": committed, "assignment": assignment["current"]})


def create_topics(a):
    admin = AdminClient({"bootstrap.servers": a["bootstrap"]})
    futures = admin.create_topics(
        [NewTopic(t, num_partitions=a["partitions"], replication_factor=1) for t in a["topics"]],
        operation_timeout=10,
        request_timeout=10,
    )
    result = {}
    for topic, f in futures.items():
        try:
            f.result(timeout=15)
            result[topic] = None
        except KafkaException as e:
            result[topic] = str(e)
    md = admin.list_topics(timeout=10)
    emit({
        "created": result,
        "topics": {t: sorted(md.topics[t].partitions.keys()) for t in a["topics"] if t in md.topics},
    })


if __name__ == "__main__":
    args = json.loads(sys.argv[1])
    {"produce": produce, "consume": consume, "create_topics": create_topics}[args["cmd"]](args)
