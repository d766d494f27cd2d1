package dev.modelregistry;

import static java.util.Objects.requireNonNull;

import dev.modelregistry.internal.Sha256;
import dev.modelregistry.spi.Listing;
import dev.modelregistry.spi.ModelStore;
import dev.modelregistry.spi.ObjectRead;
import dev.modelregistry.spi.StoreKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A read-only store on classpath resources: models bundled with the application, used as the registry's
 * fallback when neither the store nor the local cache can give a model. Thread-safe.
 *
 * <p>The layout is the store layout under a resource folder, for example {@code
 * src/main/resources/bundled-models/t20_win_predictor/v1/model.json} with {@code
 * bundled-models/t20_win_predictor/latest.json}; without a {@code latest.json} the registry serves the
 * highest version folder. Folders are listed from directories and from jar files (including nested jars
 * of Spring Boot applications).
 */
public final class ClasspathModelStore implements ModelStore {

  private final String root;
  private final ClassLoader classLoader;

  private ClasspathModelStore(String root, ClassLoader classLoader) {
    this.root = root;
    this.classLoader = classLoader;
  }

  /**
   * A store on the resource folder {@code root} of the thread's context class loader (else this library's).
   *
   * @throws IllegalArgumentException if the class loader has no such folder: a fallback whose name has a
   *     typo would otherwise be noticed only on the day it is needed
   */
  public static ClasspathModelStore of(String root) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return of(root, context != null ? context : ClasspathModelStore.class.getClassLoader());
  }

  /**
   * A store on the resource folder {@code root} of {@code classLoader}.
   *
   * @throws IllegalArgumentException if {@code classLoader} has no such folder
   */
  public static ClasspathModelStore of(String root, ClassLoader classLoader) {
    requireNonNull(root, "root");
    requireNonNull(classLoader, "classLoader");
    String normalized = root.replaceAll("^/+|/+$", "");
    StoreKeys.requireSafePrefix(normalized);
    try {
      if (!classLoader.getResources(normalized).hasMoreElements()) {
        throw new IllegalArgumentException("classpath folder " + Names.quote(normalized) + " does not exist: no"
            + " resource folder of that name is on the classpath; check the name (bundled models usually sit in"
            + " src/main/resources/" + (normalized.isEmpty() ? "bundled-models" : normalized)
            + "/<model>/<version>/)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look up the classpath folder " + Names.quote(normalized), e);
    }
    return new ClasspathModelStore(normalized, classLoader);
  }

  @Override
  public ObjectRead read(String key, @Nullable String ifNoneMatch) throws IOException {
    URL url = classLoader.getResource(resource(key));
    if (url == null) {
      return ObjectRead.missing();
    }
    byte[] content;
    try (InputStream in = url.openStream()) {
      content = in.readAllBytes();
    }
    String tag = Sha256.of(content);
    return tag.equals(ifNoneMatch) ? ObjectRead.notModified() : ObjectRead.found(content, tag);
  }

  @Override
  public InputStream open(String key) throws IOException {
    InputStream in = classLoader.getResourceAsStream(resource(key));
    if (in == null) {
      throw new NoSuchFileException(description() + "/" + key);
    }
    return in;
  }

  @Override
  public Listing list(String folder) throws IOException {
    String prefix = folder.isEmpty() ? root : resource(folder);
    TreeSet<String> folders = new TreeSet<>();
    Map<String, Long> objects = new TreeMap<>();
    Enumeration<URL> urls = classLoader.getResources(prefix);
    while (urls.hasMoreElements()) {
      URL url = urls.nextElement();
      if ("file".equals(url.getProtocol())) {
        listDirectory(url, folders, objects);
      } else {
        URLConnection connection = url.openConnection();
        if (connection instanceof JarURLConnection jar) {
          connection.setUseCaches(false);
          listJar(jar, folders, objects);
        }
      }
    }
    List<Listing.Entry> entries = new ArrayList<>();
    objects.forEach((name, size) -> entries.add(new Listing.Entry(name, size)));
    return new Listing(List.copyOf(folders), entries);
  }

  @Override
  public String description() {
    return "classpath:" + root;
  }

  @Override
  public String toString() {
    return description();
  }

  private String resource(String key) {
    StoreKeys.requireSafeKey(key);
    return root.isEmpty() ? key : root + "/" + key;
  }

  private static void listDirectory(URL url, TreeSet<String> folders, Map<String, Long> objects)
      throws IOException {
    Path dir;
    try {
      dir = Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IOException("cannot list " + url, e);
    }
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.toList()) {
        String name = child.getFileName().toString();
        if (Files.isDirectory(child)) {
          folders.add(name);
        } else {
          objects.putIfAbsent(name, Files.size(child));
        }
      }
    }
  }

  private static void listJar(JarURLConnection connection, TreeSet<String> folders, Map<String, Long> objects)
      throws IOException {
    String entryPrefix = connection.getEntryName() == null ? "" : connection.getEntryName();
    if (!entryPrefix.isEmpty() && !entryPrefix.endsWith("/")) {
      entryPrefix += "/";
    }
    try (JarFile jar = connection.getJarFile()) {
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        JarEntry entry = entries.nextElement();
        String name = entry.getName();
        if (!name.startsWith(entryPrefix) || name.length() == entryPrefix.length()) {
          continue;
        }
        String rest = name.substring(entryPrefix.length());
        int slash = rest.indexOf('/');
        if (slash >= 0) {
          folders.add(rest.substring(0, slash));
        } else {
          objects.putIfAbsent(rest, Math.max(0, entry.getSize()));
        }
      }
    }
  }
}
