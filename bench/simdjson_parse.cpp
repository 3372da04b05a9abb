// A parse-only floor for bench/bench_speed.sh: simdjson's On-Demand API over a ShareGPT
// JSONL file, touching what dsci's gates read (every message's "from" and "value",
// unescaped), and nothing more: no validation of the schema, no metrics, no report.
//
//   g++ -O3 -std=c++17 bench/simdjson_parse.cpp -o simdjson_parse -lsimdjson
//   ./simdjson_parse FILE      -> "records N messages M string_bytes B" on stdout
//
// Exit 1 on a record simdjson cannot parse (the bench file has none): this measures
// speed, it is no reference for dsci's error messages.
#include <cstdio>
#include <simdjson.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s FILE.jsonl\n", argv[0]);
        return 2;
    }
    simdjson::padded_string json;
    if (auto error = simdjson::padded_string::load(argv[1]).get(json)) {
        std::fprintf(stderr, "%s: %s\n", argv[1], simdjson::error_message(error));
        return 2;
    }
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document_stream docs;
    // records are far below 1 MB: the default batch is enough for every one of them
    if (auto error = parser.iterate_many(json).get(docs)) {
        std::fprintf(stderr, "%s\n", simdjson::error_message(error));
        return 1;
    }
    unsigned long long records = 0, messages = 0, bytes = 0;
    for (auto doc : docs) {
        simdjson::ondemand::array conversations;
        if (auto error = doc["conversations"].get_array().get(conversations)) {
            std::fprintf(stderr, "record %llu: %s\n", records + 1, simdjson::error_message(error));
            return 1;
        }
        for (auto message : conversations) {
            simdjson::ondemand::object fields;
            if (message.get_object().get(fields))
                return 1;
            for (auto field : fields) {
                std::string_view text;
                if (field.value().get_string().get(text)) {
                    std::fprintf(stderr, "record %llu: a message field that is not a string\n", records + 1);
                    return 1;
                }
                bytes += text.size();
            }
            messages++;
        }
        records++;
    }
    std::printf("records %llu messages %llu string_bytes %llu\n", records, messages, bytes);
    return 0;
}
