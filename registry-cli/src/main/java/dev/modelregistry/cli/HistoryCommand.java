package dev.modelregistry.cli;

import dev.modelregistry.PointerMove;
import dev.modelregistry.spi.WritableModelStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code history <model>}: every recorded pointer move, oldest first. */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = "List the pointer moves of a model, oldest first: when, who, what and why.")
final class HistoryCommand extends StoreCommand {

  @Parameters(index = "0", paramLabel = "<model>", description = "The model.")
  String model;

  HistoryCommand(CliContext context) {
    super(context);
  }

  @Override
  int run(WritableModelStore store) throws IOException {
    Catalog catalog = new Catalog(store);
    catalog.requireModel(model);
    List<Map<String, Object>> moves = new ArrayList<>();
    for (PointerMove move : catalog.publisher().history(model)) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("sequence", move.sequence());
      row.put("at", move.at());
      row.put("by", move.by());
      row.put("action", move.action());
      row.put("from", move.from() == null ? null : move.from().value());
      row.put("to", move.to().value());
      row.put("reason", move.reason());
      moves.add(row);
    }
    Output output = new Output(context);
    if (json) {
      output.json(Map.of("model", model, "history", moves));
      return ExitCodes.OK;
    }
    if (moves.isEmpty()) {
      output.line("model " + model + ": no pointer moves recorded");
      return ExitCodes.OK;
    }
    output.row("SEQ", "AT", "BY", "ACTION", "FROM", "TO", "REASON");
    for (Map<String, Object> m : moves) {
      output.row(m.get("sequence").toString(), m.get("at").toString(), m.get("by").toString(),
          m.get("action").toString(), Output.orDash(m.get("from")), m.get("to").toString(), Output.orDash(m.get("reason")));
    }
    output.table();
    return ExitCodes.OK;
  }
}
