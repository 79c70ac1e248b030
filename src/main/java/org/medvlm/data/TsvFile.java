package org.medvlm.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.medvlm.BadInputException;

/** A small tab-separated file with a header row; '#' comments and blank lines are skipped. */
record TsvFile(String source, List<String> header, List<Row> rows) {
  /** One data row with its line number for messages. */
  record Row(int line, List<String> cells) {
    String get(int column) {
      return column < cells.size() ? cells.get(column).trim() : "";
    }
  }

  static TsvFile read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new BadInputException(file, "no such file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.charset.MalformedInputException e) {
      throw new BadInputException(file, "is not UTF-8 text");
    }
    return parse(text, file.toString());
  }

  static TsvFile parse(String text, String source) throws IOException {
    List<String> header = null;
    List<Row> rows = new ArrayList<>();
    BufferedReader r = new BufferedReader(new StringReader(text));
    String line;
    int n = 0;
    while ((line = r.readLine()) != null) {
      n++;
      if (line.isBlank() || line.startsWith("#")) continue;
      List<String> cells = List.of(line.split("\t", -1));
      if (header == null) header = cells.stream().map(String::trim).toList();
      else rows.add(new Row(n, cells));
    }
    if (header == null) throw new BadInputException(source, "empty table: no header row");
    return new TsvFile(source, header, rows);
  }

  int column(String name) throws BadInputException {
    int i = header.indexOf(name);
    if (i < 0) throw new BadInputException(source, "missing column '" + name + "' (header: " + String.join(", ", header) + ")");
    return i;
  }

  int integer(Row row, int column) throws BadInputException {
    String v = row.get(column);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new BadInputException(source, "line " + row.line() + ": '" + v + "' in column " + header.get(column) + " is not a whole number");
    }
  }
}
