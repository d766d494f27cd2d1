package dev.modelregistry.s3;

import java.nio.file.Path;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A fresh S3Proxy server and {@link S3Bed} per test, and a folder for a registry's cache. */
abstract class S3BedCase {

  @RegisterExtension final S3ProxyExtension s3 = S3Bed.server();
  @TempDir Path cache;

  S3Bed bed;

  @BeforeEach
  void startBed() throws Exception {
    bed = S3Bed.start(s3);
  }

  @AfterEach
  void stopBed() throws Exception {
    bed.close();
  }
}
